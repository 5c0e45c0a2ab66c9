// Lambda entry of the workflow step ApplyRetention (state machines: ${ApplyRetentionFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('ApplyRetentionFunctionArn');
