// Lambda entry of the workflow step PrepareBackup (state machines: ${PrepareBackupFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('PrepareBackupFunctionArn');
