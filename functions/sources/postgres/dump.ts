import type { Client } from 'pg';
import type { PostgresTargetConfig } from '../../core/model/target';
import type { ResolvedCredential } from '../database/credentials';
import { dumpSession } from '../database/dump-session';
import type { DatabaseDump } from '../database/strategy';
import { ToolProcess } from '../database/tool';
import { connectPostgres, describePgError } from './client';
import type { PostgresSourceInfo } from './source-info';
import { tableStats } from './stats';
import { pgToolSpec, pgToolVersion } from './tools';

/** An exact name as a pg_dump pattern: quoted, so no character is a wildcard. */
export function exactPattern(name: string): string {
  const quote = (part: string) => `"${part.replace(/"/g, '""')}"`;
  const dot = name.indexOf('.');
  return dot > 0 ? `${quote(name.slice(0, dot))}.${quote(name.slice(dot + 1))}` : quote(name);
}

export function pgDumpArgs(config: PostgresTargetConfig, snapshot: string): string[] {
  return [
    // Custom format without pg_dump's compression: the repository compresses per chunk, and
    // uncompressed dumps of a slowly changing database deduplicate against the previous one.
    '--format=custom',
    '--compress=0',
    `--snapshot=${snapshot}`,
    '--no-password',
    ...config.schemas.map((s) => `--schema=${exactPattern(s)}`),
    ...config.tables.map((t) => `--table=${exactPattern(t)}`),
    ...config.exclude_tables.map((t) => `--exclude-table=${exactPattern(t)}`),
  ];
}

interface SnapshotFacts {
  snapshot: string;
  version: string;
  encoding: string;
  collate: string;
  ctype: string;
}

/**
 * Starts pg_dump in custom format on a snapshot that this process exports and holds, and
 * computes the table checksums in the same snapshot while the dump streams: the recorded
 * checksums describe exactly the rows in the dump, whatever is written meanwhile.
 */
export async function dumpPostgres(
  config: PostgresTargetConfig,
  credential: ResolvedCredential,
): Promise<Omit<DatabaseDump, 'info'> & { info(): Promise<PostgresSourceInfo> }> {
  const toolVersion = await pgToolVersion('pg_dump');
  const client: Client = await connectPostgres(config, config.database, credential);
  let facts: SnapshotFacts;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await client.query<SnapshotFacts>(
      `SELECT pg_export_snapshot() AS snapshot, current_setting('server_version') AS version,
              pg_encoding_to_char(d.encoding) AS encoding, d.datcollate AS collate, d.datctype AS ctype
         FROM pg_database d WHERE d.datname = current_database()`,
    );
    facts = result.rows[0]!;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw describePgError(error, config, config.database);
  }
  const tool = new ToolProcess(
    pgToolSpec('pg_dump', pgDumpArgs(config, facts.snapshot), config, config.database, credential),
    { stdin: false, stdout: true },
  );
  const stats = tableStats(client, config);
  stats.catch(() => undefined);
  return dumpSession({
    bytes: tool.stdout(),
    // Ending the session ends the snapshot's transaction (and a checksum query still running).
    release: async () => {
      tool.stop();
      await client.end().catch(() => undefined);
    },
    describe: async () => {
      const tables = await stats.catch((error: unknown) => {
        throw describePgError(error, config, config.database);
      });
      return {
        kind: 'postgres',
        format: 'pg_dump-custom',
        database: config.database,
        server: { host: config.host, port: config.port, user: config.user },
        server_version: facts.version,
        tool: { name: 'pg_dump', version: toolVersion },
        encoding: facts.encoding,
        collate: facts.collate,
        ctype: facts.ctype,
        selection: {
          schemas: config.schemas,
          tables: config.tables,
          exclude_tables: config.exclude_tables,
        },
        tables,
      };
    },
  });
}
