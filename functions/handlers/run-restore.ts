// Lambda entry of the workflow step RunRestore (state machines: ${RunRestoreFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('RunRestoreFunctionArn');
