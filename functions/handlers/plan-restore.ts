// Lambda entry of the workflow step PlanRestore (state machines: ${PlanRestoreFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('PlanRestoreFunctionArn');
