// Lambda entry of the workflow step RecordRetentionFailure (state machines: ${RecordRetentionFailureFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('RecordRetentionFailureFunctionArn');
