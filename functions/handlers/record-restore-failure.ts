// Lambda entry of the workflow step RecordRestoreFailure (state machines: ${RecordRestoreFailureFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('RecordRestoreFailureFunctionArn');
