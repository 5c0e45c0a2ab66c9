// Lambda entry of the workflow step StartVerification (state machines: ${StartVerificationFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('StartVerificationFunctionArn');
