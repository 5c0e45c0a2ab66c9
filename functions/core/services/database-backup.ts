import type { Repository } from '../../repository/repository';
import { resolveCredential } from '../../sources/database/credentials';
import { databaseStrategy } from '../../sources/database/strategies';
import type { DatabaseTargetConfig } from '../model/target';
import { backupStream, type StreamBackupRequest, type StreamBackupResult } from './backup-stream';
import type { ServiceContext } from './context';

/**
 * A database target's dump streamed into the repository as one snapshot named `request.name`
 * (the target's name), its source description in the manifest; the dump is always released.
 */
export async function backupDatabase(
  ctx: ServiceContext,
  repo: Repository,
  config: DatabaseTargetConfig,
  request: Omit<StreamBackupRequest, 'targetType' | 'describeSource'>,
): Promise<StreamBackupResult> {
  const credential = await resolveCredential(config.password, ctx.secrets);
  const dump = await databaseStrategy(config.kind).dump(config, credential, request.name);
  try {
    return await backupStream(repo, dump.stream, {
      ...request,
      targetType: 'database',
      describeSource: async () => ({ ...(await dump.info()) }),
    });
  } finally {
    await dump.close();
  }
}
