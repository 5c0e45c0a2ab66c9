// Lambda entry of the workflow step RecordBackupFailure (state machines: ${RecordBackupFailureFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('RecordBackupFailureFunctionArn');
