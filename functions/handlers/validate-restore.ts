// Lambda entry of the workflow step ValidateRestore (state machines: ${ValidateRestoreFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('ValidateRestoreFunctionArn');
