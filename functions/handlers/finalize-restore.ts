// Lambda entry of the workflow step FinalizeRestore (state machines: ${FinalizeRestoreFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('FinalizeRestoreFunctionArn');
