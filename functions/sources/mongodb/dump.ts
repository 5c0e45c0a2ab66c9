import type { MongodbTargetConfig } from '../../core/model/target';
import type { ResolvedCredential } from '../database/credentials';
import type { DatabaseDump } from '../database/strategy';
import { ToolProcess } from '../database/tool';
import { ArchiveScanner } from './archive';
import type { MongodbSourceInfo } from './source-info';
import { mongoToolSpec, mongoToolVersion, type MongoConnection } from './tools';

export function mongodumpArgs(database: string, excluded: readonly string[]): string[] {
  return ['--archive', `--db=${database}`, ...excluded.map((c) => `--excludeCollection=${c}`)];
}

/**
 * Runs mongodump --archive of one database and reads the archive as it streams: each
 * collection's document count and checksum come from the very bytes that are stored, so they
 * describe the dump exactly (mongodump of a standalone server has no point-in-time snapshot).
 */
export function streamMongodump(
  conn: MongoConnection,
  credential: ResolvedCredential,
  database: string,
  excluded: readonly string[],
): { stream: AsyncGenerator<Buffer>; scanner: ArchiveScanner; stop(): void } {
  const spec = mongoToolSpec('mongodump', mongodumpArgs(database, excluded), conn, credential);
  const tool = new ToolProcess(spec, { stdin: false, stdout: true });
  const scanner = new ArchiveScanner();
  async function* stream(): AsyncGenerator<Buffer> {
    try {
      for await (const data of tool.stdout()) {
        scanner.push(data);
        yield data;
      }
      scanner.finish();
    } finally {
      tool.stop();
      spec.cleanup();
    }
  }
  return { stream: stream(), scanner, stop: () => tool.stop() };
}

export async function dumpMongodb(
  config: MongodbTargetConfig,
  credential: ResolvedCredential,
): Promise<Omit<DatabaseDump, 'info'> & { info(): Promise<MongodbSourceInfo> }> {
  const tool = await mongoToolVersion('mongodump');
  const dump = streamMongodump(config, credential, config.database, config.exclude_tables);
  let ended = false;
  async function* stream(): AsyncGenerator<Buffer> {
    yield* dump.stream;
    ended = true;
  }
  return {
    stream: stream(),
    close: async () => dump.stop(),
    info: async () => {
      if (!ended) throw new Error('the dump has not ended');
      return {
        kind: 'mongodb',
        format: 'mongodump-archive',
        database: config.database,
        server: { host: config.host, port: config.port, user: config.user },
        auth_database: config.auth_database,
        server_version: dump.scanner.serverVersion ?? 'unknown',
        tool,
        selection: { exclude_tables: config.exclude_tables },
        tables: dump.scanner.stats(config.database),
      };
    },
  };
}

/** The collections of a database now, read through mongodump (for the check after a restore). */
export async function mongoCollectionStats(
  conn: MongoConnection,
  credential: ResolvedCredential,
  database: string,
): Promise<ReturnType<ArchiveScanner['stats']>> {
  const dump = streamMongodump(conn, credential, database, []);
  for await (const _ of dump.stream);
  return dump.scanner.stats(database);
}
