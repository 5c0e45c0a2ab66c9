import type { PostgresTargetConfig } from '../../../core/model/target';
import type { ResolvedCredential } from '../../database/credentials';
import type { DatabaseDump } from '../../database/strategy';
import { ToolProcess } from '../../database/tool';
import { withPostgres } from '../client';
import { pgToolSpec, pgToolVersion } from '../tools';
import { BackupLabelScanner, parseBackupLabel } from './backup-label';
import type { PostgresBaseInfo } from './source-info';

export function pgBasebackupArgs(): string[] {
  return [
    // The whole cluster as one tar on stdout; WAL comes from the archive (lifeboat wal-push),
    // and pg_basebackup waits until the backup's last WAL file has been archived.
    '--pgdata=-',
    '--format=tar',
    '--wal-method=none',
    '--checkpoint=fast',
    '--label=lifeboat',
    '--no-password',
  ];
}

/**
 * A physical base backup: pg_basebackup's tar streamed into the repository, its backup_label
 * read on the way for the WAL position where recovery starts. Restorable only together with
 * the target's WAL archive.
 */
export async function basebackupPostgres(
  config: PostgresTargetConfig,
  target: string,
  credential: ResolvedCredential,
): Promise<Omit<DatabaseDump, 'info'> & { info(): Promise<PostgresBaseInfo> }> {
  const version = await pgToolVersion('pg_basebackup');
  const serverVersion = await withPostgres(config, config.database, credential, async (client) => {
    const result = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return result.rows[0]!.v;
  });
  const startedAt = new Date().toISOString();
  const tool = new ToolProcess(
    pgToolSpec('pg_basebackup', pgBasebackupArgs(), config, config.database, credential),
    {
      stdin: false,
      stdout: true,
    },
  );
  const label = new BackupLabelScanner();
  let endedAt: string | undefined;
  async function* stream(): AsyncGenerator<Buffer> {
    for await (const data of tool.stdout()) {
      label.push(data);
      yield data;
    }
    endedAt = new Date().toISOString();
  }
  return {
    stream: stream(),
    close: async () => tool.stop(),
    info: async () => {
      if (label.label === undefined || !endedAt) throw new Error('pg_basebackup wrote no backup_label');
      return {
        kind: 'postgres-base',
        format: 'pg_basebackup-tar',
        target,
        server: { host: config.host, port: config.port, user: config.user },
        server_version: serverVersion,
        tool: { name: 'pg_basebackup', version },
        ...parseBackupLabel(label.label),
        started_at: startedAt,
        ended_at: endedAt,
      };
    },
  };
}
