// PostgreSQL logical backups against a real PostgreSQL server (Debian's package, started by the
// test in a temp directory): backup through the CLI and its workflow, change, incremental,
// restore each backup into a fresh database and compare the restored database's own dump with
// the source's dump at backup time; overwrite rules, partial restores and a restore test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PgCluster, postgresUnavailable } from '../helpers/postgres';
import { runCli, TempHome, type RunResult } from '../helpers/cli';
import { whileWriting } from '../helpers/concurrent';

const unavailable = postgresUnavailable();
const describePg = unavailable ? describe.skip : describe;
if (unavailable) console.warn(`PostgreSQL tests skipped: ${unavailable}`);

let pg: PgCluster;
let home: TempHome;
let env: NodeJS.ProcessEnv;

function json<T = Record<string, unknown>>(result: RunResult): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout.toString('utf8')) as T;
}

const SCHEMA = `
  CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE, note text,
                          created timestamptz NOT NULL DEFAULT '2026-01-01T00:00:00Z');
  CREATE TABLE blobs (id int PRIMARY KEY, data bytea, big text);
  CREATE TABLE amounts (id bigint PRIMARY KEY, value numeric(20,6), ratio double precision,
                        tags text[], doc jsonb, flag boolean);
  CREATE SCHEMA sales;
  CREATE TABLE sales.orders (id int PRIMARY KEY, customer int REFERENCES customers(id), total numeric(12,2));
  CREATE INDEX orders_customer ON sales.orders (customer);
  CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE total > 100;
  INSERT INTO customers (name, email, note)
    SELECT 'name ' || i, 'user' || i || '@example.com', CASE WHEN i % 3 = 0 THEN NULL ELSE 'Grüße, 世界 ' || i END
      FROM generate_series(1, 2000) i;
  INSERT INTO blobs VALUES (1, decode('00ff00ff7f80', 'hex'), NULL), (2, NULL, repeat('x', 3000000)),
    (3, (SELECT string_agg(decode(lpad(to_hex(i % 256), 2, '0'), 'hex'), ''::bytea) FROM generate_series(0, 300000) i), 'émoji 🚀');
  INSERT INTO amounts SELECT i, i * 1.000001, i / 7.0, ARRAY['a' || i, NULL], jsonb_build_object('i', i, 'u', 'ü'), i % 2 = 0
    FROM generate_series(1, 5000) i;
  INSERT INTO sales.orders SELECT i, 1 + i % 2000, (i % 500) * 1.25 FROM generate_series(1, 3000) i;
  CREATE SCHEMA audit;
  CREATE TABLE audit.entries (id int PRIMARY KEY, what text NOT NULL);
  CREATE INDEX entries_what ON audit.entries (what);
  INSERT INTO audit.entries SELECT i, 'entry ' || i FROM generate_series(1, 500) i;
  -- A large table the changes below leave alone: most of the next dump deduplicates against it.
  CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz, payload text);
  INSERT INTO events SELECT i, '2026-01-01T00:00:00Z'::timestamptz + i * interval '1 second', md5(i::text) || repeat('e', 100)
    FROM generate_series(1, 150000) i;
`;

beforeAll(async () => {
  if (unavailable) return;
  pg = await PgCluster.start();
  await pg.createDatabase('app');
  await pg.query('app', SCHEMA);
  home = new TempHome('lifeboat-pg-');
  env = { ...home.env, APP_PW: pg.password };
  const added = await runCli(
    [
      'target',
      'add',
      'app',
      '--type',
      'postgres',
      '--url',
      pg.url('app'),
      '--password-env',
      'APP_PW',
      '--json',
    ],
    { env },
  );
  expect(json(added)).toMatchObject({ name: 'app', target_type: 'database' });
}, 120_000);

afterAll(async () => {
  if (unavailable) return;
  await pg?.stop();
  home?.cleanup();
});

describePg('PostgreSQL logical backups', () => {
  const dumps = new Map<string, string>();
  let full: string;
  let incremental: string;

  it('records a target with a password reference only, and tests it', async () => {
    const shown = json<{ target_config: Record<string, unknown> }>(
      await runCli(['target', 'show', 'app', '--json'], { env }),
    );
    expect(shown.target_config).toMatchObject({
      kind: 'postgres',
      host: '127.0.0.1',
      port: pg.port,
      user: pg.user,
      database: 'app',
      password: { source: 'env', variable: 'APP_PW' },
    });
    expect(JSON.stringify(shown)).not.toContain(pg.password);
    const tested = json<{ server_version: string; size_bytes: number; tool: { name: string } }>(
      await runCli(['target', 'test', 'app', '--json'], { env }),
    );
    expect(tested.server_version).toMatch(/^1[5-9]/);
    expect(tested.size_bytes).toBeGreaterThan(1_000_000);
    expect(tested.tool.name).toBe('pg_dump');
  });

  it('backs up, then backs up a change incrementally, recording tool and table checksums', async () => {
    const first = json<{
      id: string;
      target_type: string;
      tables: number;
      source: { tool: { version: string } };
    }>(await runCli(['backup', '--target', 'app', '--type', 'full', '--json'], { env }));
    expect(first.target_type).toBe('database');
    expect(first.tables).toBe(6);
    expect(first.source.tool.version).toMatch(/^1[5-9]\./);
    full = first.id;
    dumps.set(full, pg.plainDump('app'));

    await pg.query(
      'app',
      `UPDATE customers SET note = 'changed' WHERE id = 7; DELETE FROM sales.orders WHERE id = 9;
       INSERT INTO blobs VALUES (4, '\\x00'::bytea, NULL);`,
    );
    const second = json<{
      id: string;
      backup_type: string;
      parent_backup_id: string;
      bytes_new: number;
      original_size_bytes: number;
    }>(await runCli(['backup', '--target', 'app', '--json'], { env }));
    expect(second).toMatchObject({ backup_type: 'incremental', parent_backup_id: full });
    // Most of the dump is unchanged: the chunker finds it again.
    expect(second.bytes_new).toBeLessThan(second.original_size_bytes / 2);
    incremental = second.id;
    dumps.set(incremental, pg.plainDump('app'));
    expect(dumps.get(incremental)).not.toEqual(dumps.get(full));

    const records = json<{
      items: {
        id: string;
        status: string;
        target_type: string;
        checksum_algorithm: string;
        metadata: { dump: { tool: { name: string; version: string }; server_version: string } };
      }[];
    }>(await runCli(['backups', '--target', 'app', '--json'], { env }));
    // The record names the tool and the server that made the dump.
    expect(records.items[0]!.metadata.dump).toEqual({
      kind: 'postgres',
      tool: { name: 'pg_dump', version: first.source.tool.version },
      server_version: expect.stringMatching(/^1[5-9]\./),
    });
    expect(records.items.map((b) => [b.id, b.status, b.target_type])).toEqual([
      [incremental, 'completed', 'database'],
      [full, 'completed', 'database'],
    ]);
  });

  it('restores each backup into a fresh database whose dump equals the source dump at backup time', async () => {
    for (const [id, database] of [
      [full, 'restored_full'],
      [incremental, 'restored_incr'],
    ] as const) {
      const restored = json<{ database: string; tables_checked: number; bytes_restored: number }>(
        await runCli(['restore', id, '--database', database, '--json'], { env }),
      );
      expect(restored).toMatchObject({ database, tables_checked: 6 });
      expect(pg.plainDump(database)).toEqual(dumps.get(id));
    }
    // No staging database is left behind.
    expect((await pg.databases()).filter((d) => d.startsWith('lifeboat_'))).toEqual([]);
  });

  it('refuses to replace an existing database unless asked, and replaces it only whole', async () => {
    const refused = await runCli(['restore', full, '--database', 'restored_incr'], { env });
    expect(refused.code).toBe(16);
    expect(refused.stderr).toMatch(/already exists.*--overwrite/s);
    expect(pg.plainDump('restored_incr')).toEqual(dumps.get(incremental));

    const replaced = json<{ replaced: boolean }>(
      await runCli(['restore', full, '--database', 'restored_incr', '--overwrite', '--json'], { env }),
    );
    expect(replaced.replaced).toBe(true);
    expect(pg.plainDump('restored_incr')).toEqual(dumps.get(full));
  });

  it('restores chosen tables and schemas (partial), checked against the recorded checksums', async () => {
    const partial = json<{ recovery_type: string; tables_checked: number }>(
      await runCli(['restore', incremental, '--database', 'only_blobs', '--table', 'blobs', '--json'], {
        env,
      }),
    );
    expect(partial).toMatchObject({ recovery_type: 'partial', tables_checked: 1 });
    const tables = await pg.query<{ t: string }>(
      'only_blobs',
      `SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(tables.map((t) => t.t)).toEqual(['public.blobs']);
    const rows = await pg.query<{ n: string }>('only_blobs', 'SELECT count(*) AS n FROM blobs');
    expect(rows[0]!.n).toBe('4');

    // Into the existing database: the audit schema, which it does not have yet, with its index.
    const schema = json<{ into_existing: boolean; tables_checked: number }>(
      await runCli(['restore', incremental, '--database', 'only_blobs', '--schema', 'audit', '--json'], {
        env,
      }),
    );
    expect(schema).toMatchObject({ into_existing: true, tables_checked: 1 });
    const entries = await pg.query<{ n: string }>('only_blobs', 'SELECT count(*) AS n FROM audit.entries');
    expect(entries[0]!.n).toBe('500');
    const indexes = await pg.query<{ indexname: string }>(
      'only_blobs',
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'audit' ORDER BY 1`,
    );
    expect(indexes.map((i) => i.indexname)).toEqual(['entries_pkey', 'entries_what']);

    // A table that needs one the target lacks (a foreign key to customers): the transaction rolls
    // back, and the schema created for it is removed again.
    const clash = await runCli(['restore', incremental, '--database', 'only_blobs', '--schema', 'sales'], {
      env,
    });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/pg_restore exited with status 1: .*customers/);
    const schemas = await pg.query('only_blobs', `SELECT nspname FROM pg_namespace WHERE nspname = 'sales'`);
    expect(schemas).toEqual([]);
  });

  it('validates a restore without writing anything', async () => {
    const before = await pg.databases();
    const validated = await runCli(['restore', full, '--database', 'never_made', '--validate-only'], { env });
    expect(validated.code).toBe(0);
    expect(validated.stderr).toMatch(/is possible/);
    expect(await pg.databases()).toEqual(before);
  });

  it('runs a restore test into a throwaway database and drops it', async () => {
    const verified = json<{
      status: string;
      restore_test_passed: boolean;
      verification_details: { restore_test: { tables_checked: number } };
    }>(await runCli(['verify', incremental, '--type', 'restore_test', '--json'], { env }));
    expect(verified).toMatchObject({ status: 'passed', restore_test_passed: true });
    expect(verified.verification_details.restore_test.tables_checked).toBe(6);
    expect((await pg.databases()).filter((d) => d.startsWith('lifeboat_'))).toEqual([]);
  });

  it('reads its checksums in the dump snapshot while the database is being written', async () => {
    const { result: during, writes } = await whileWriting(
      (i) =>
        pg.query(
          'app',
          `INSERT INTO events VALUES (${1_000_000 + i}, now(), 'during'); UPDATE customers SET note = '${i}' WHERE id = 1`,
        ),
      async () => json<{ id: string }>(await runCli(['backup', '--target', 'app', '--json'], { env })),
    );
    expect(writes).toBeGreaterThan(5);
    const verified = json<{ status: string; verification_details: unknown }>(
      await runCli(['verify', during.id, '--type', 'restore_test', '--json'], { env }),
    );
    expect({ status: verified.status, details: verified.verification_details }).toMatchObject({
      status: 'passed',
    });
  });

  it('restores the dump as a file with --stdout, which pg_restore reads', async () => {
    const out = await runCli(['restore', full, '--stdout'], { env });
    expect(out.code).toBe(0);
    expect(out.stdout.subarray(0, 5).toString()).toBe('PGDMP');
  });

  it('keeps the password out of the catalog, the repository and the audit log', async () => {
    const audit = await runCli(['audit', '--json'], { env });
    expect(audit.stdout.toString()).not.toContain(pg.password);
    const catalogFiles = fs
      .readdirSync(home.dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile());
    for (const file of catalogFiles)
      expect(fs.readFileSync(path.join(file.parentPath, file.name)).includes(pg.password)).toBe(false);
  });
});
