// Lambda entry of the workflow step RunBackup (state machines: ${RunBackupFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('RunBackupFunctionArn');
