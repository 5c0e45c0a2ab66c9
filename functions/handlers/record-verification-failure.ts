// Lambda entry of the workflow step RecordVerificationFailure (state machines: ${RecordVerificationFailureFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('RecordVerificationFailureFunctionArn');
