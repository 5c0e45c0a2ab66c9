// Lambda entry of the workflow step CommitBackup (state machines: ${CommitBackupFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('CommitBackupFunctionArn');
