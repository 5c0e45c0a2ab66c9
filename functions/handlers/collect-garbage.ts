// Lambda entry of the workflow step CollectGarbage (state machines: ${CollectGarbageFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('CollectGarbageFunctionArn');
