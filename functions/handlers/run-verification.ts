// Lambda entry of the workflow step RunVerification (state machines: ${RunVerificationFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('RunVerificationFunctionArn');
