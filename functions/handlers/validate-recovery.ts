// Lambda entry of the workflow step ValidateRecovery (state machines: ${ValidateRecoveryFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('ValidateRecoveryFunctionArn');
