// Lambda entry of the workflow step ReplicateBackup (state machines: ${ReplicateBackupFunctionArn}).
import { stepHandler } from './step-handler';

export const handler = stepHandler('ReplicateBackupFunctionArn');
