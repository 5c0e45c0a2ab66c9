// MySQL/MariaDB backups against a real MariaDB 10.11 server (Debian's package, started by the
// test): backup through the CLI and its workflow, change, incremental, restore each backup into
// a fresh database and compare the restored database's own dump with the source's dump at backup
// time; overwrite rules, partial restores of tables, a restore test and clear failures.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { MariaDbServer, mariadbUnavailable } from '../helpers/mariadb';
import { freePort } from '../helpers/postgres';
import { runCli, TempHome, type RunResult } from '../helpers/cli';
import { whileWriting } from '../helpers/concurrent';

const unavailable = mariadbUnavailable();
const describeMaria = unavailable ? describe.skip : describe;
if (unavailable) console.warn(`MariaDB tests skipped: ${unavailable}`);

let db: MariaDbServer;
let home: TempHome;
let env: NodeJS.ProcessEnv;

function json<T = Record<string, unknown>>(result: RunResult): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout.toString('utf8')) as T;
}

const SCHEMA = `
  CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL,
                          email VARCHAR(200) UNIQUE, note TEXT, created DATETIME(6) NOT NULL DEFAULT '2026-01-01 00:00:00')
    CHARACTER SET utf8mb4;
  CREATE TABLE blobs (id INT PRIMARY KEY, data LONGBLOB, big LONGTEXT) CHARACTER SET utf8mb4;
  CREATE TABLE amounts (id BIGINT PRIMARY KEY, value DECIMAL(20,6), ratio DOUBLE, doc JSON, flag BOOLEAN, b BIT(5));
  CREATE TABLE orders (id INT PRIMARY KEY, customer INT, total DECIMAL(12,2), FOREIGN KEY (customer) REFERENCES customers(id));
  CREATE TABLE events (id BIGINT PRIMARY KEY, at DATETIME, payload VARCHAR(200));
  CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
  CREATE TRIGGER orders_total BEFORE INSERT ON orders FOR EACH ROW SET NEW.total = ROUND(NEW.total, 2);
  CREATE PROCEDURE count_orders(OUT n INT) SELECT COUNT(*) INTO n FROM orders;
  INSERT INTO customers (name, email, note)
    SELECT CONCAT('name ', seq), CONCAT('user', seq, '@example.com'), IF(seq % 3 = 0, NULL, CONCAT('Grüße, 世界 🚀 ', seq))
      FROM seq_1_to_2000;
  INSERT INTO blobs VALUES (1, UNHEX('00FF00FF7F80'), NULL), (2, NULL, REPEAT('x', 3000000)), (3, RANDOM_BYTES(1024), '');
  INSERT INTO amounts SELECT seq, seq * 1.000001, seq / 7.0, JSON_OBJECT('i', seq, 'u', 'ü'), seq % 2 = 0, seq % 32 FROM seq_1_to_5000;
  INSERT INTO orders SELECT seq, 1 + seq % 2000, (seq % 500) * 1.25 FROM seq_1_to_3000;
  INSERT INTO events SELECT seq, '2026-01-01' + INTERVAL seq SECOND, CONCAT(MD5(seq), REPEAT('e', 100)) FROM seq_1_to_150000;
`;

beforeAll(async () => {
  if (unavailable) return;
  db = await MariaDbServer.start();
  await db.query(undefined, 'CREATE DATABASE app CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  await db.query('app', SCHEMA);
  home = new TempHome('lifeboat-maria-');
  env = { ...home.env, APP_PW: db.password, WRONG_PW: 'nope' };
  const added = await runCli(
    ['target', 'add', 'app', '--type', 'mysql', '--url', db.url('app'), '--password-env', 'APP_PW', '--json'],
    { env },
  );
  expect(json(added)).toMatchObject({ name: 'app', target_type: 'database' });
}, 120_000);

afterAll(async () => {
  if (unavailable) return;
  await db?.stop();
  home?.cleanup();
});

describeMaria('MySQL/MariaDB backups', () => {
  const dumps = new Map<string, string>();
  let full: string;
  let incremental: string;

  it('tests the target: server version, size and dump tool', async () => {
    const tested = json<{ server_version: string; size_bytes: number; tool: { name: string } }>(
      await runCli(['target', 'test', 'app', '--json'], { env }),
    );
    expect(tested.server_version).toMatch(/^10\.11.*MariaDB/);
    expect(tested.size_bytes).toBeGreaterThan(1_000_000);
    expect(tested.tool.name).toBe('mariadb-dump');
  });

  it('backs up, then backs up a change incrementally, with checksums read in the dump snapshot', async () => {
    const first = json<{ id: string; tables: number; source: { checksums_in_dump_snapshot: boolean } }>(
      await runCli(['backup', '--target', 'app', '--type', 'full', '--json'], { env }),
    );
    expect(first.tables).toBe(5);
    expect(first.source.checksums_in_dump_snapshot).toBe(true);
    full = first.id;
    dumps.set(full, db.dump('app'));
    await db.query(
      'app',
      `UPDATE customers SET note = 'changed' WHERE id = 7; DELETE FROM orders WHERE id = 9;
       INSERT INTO blobs VALUES (4, UNHEX('00'), NULL);`,
    );
    const second = json<{ id: string; backup_type: string; bytes_new: number; original_size_bytes: number }>(
      await runCli(['backup', '--target', 'app', '--json'], { env }),
    );
    expect(second.backup_type).toBe('incremental');
    expect(second.bytes_new).toBeLessThan(second.original_size_bytes / 2);
    incremental = second.id;
    dumps.set(incremental, db.dump('app'));
    expect(dumps.get(incremental)).not.toEqual(dumps.get(full));
  });

  it('restores each backup into a fresh database whose dump equals the source dump at backup time', async () => {
    for (const [id, database] of [
      [full, 'restored_full'],
      [incremental, 'restored_incr'],
    ] as const) {
      const restored = json<{ tables_checked: number }>(
        await runCli(['restore', id, '--database', database, '--json'], { env }),
      );
      expect(restored.tables_checked).toBe(5);
      expect(db.dump(database)).toEqual(dumps.get(id));
    }
  });

  it('refuses to replace a database or a table unless asked', async () => {
    const refused = await runCli(['restore', full, '--database', 'restored_incr'], { env });
    expect(refused.code).toBe(16);
    expect(refused.stderr).toMatch(/already exists.*--overwrite/s);
    const table = await runCli(['restore', full, '--database', 'restored_incr', '--table', 'orders'], {
      env,
    });
    expect(table.code).toBe(16);
    expect(table.stderr).toMatch(/Table\(s\) "orders" already exist/);
    expect(db.dump('restored_incr')).toEqual(dumps.get(incremental));

    const replaced = json<{ replaced: boolean }>(
      await runCli(['restore', full, '--database', 'restored_incr', '--overwrite', '--json'], { env }),
    );
    expect(replaced.replaced).toBe(true);
    expect(db.dump('restored_incr')).toEqual(dumps.get(full));
    expect((await db.databases()).filter((d) => d.startsWith('lifeboat_'))).toEqual([]);
  });

  it('restores chosen tables (partial), alone or over existing ones', async () => {
    const partial = json<{ recovery_type: string; tables_checked: number }>(
      await runCli(
        ['restore', incremental, '--database', 'some', '--table', 'blobs', '--table', 'events', '--json'],
        {
          env,
        },
      ),
    );
    expect(partial).toMatchObject({ recovery_type: 'partial', tables_checked: 2 });
    const tables = await db.query<{ TABLE_NAME: string }>(
      undefined,
      `SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'some' ORDER BY 1`,
    );
    expect(tables.map((t) => t.TABLE_NAME)).toEqual(['blobs', 'events']);
    // Over an existing table, with --overwrite: the older backup's rows come back.
    const over = json<{ into_existing: boolean }>(
      await runCli(['restore', full, '--database', 'some', '--table', 'blobs', '--overwrite', '--json'], {
        env,
      }),
    );
    expect(over.into_existing).toBe(true);
    expect(await db.query('some', 'SELECT COUNT(*) AS n FROM blobs')).toEqual([{ n: 3 }]);
  });

  it('runs a restore test into a throwaway database and drops it', async () => {
    const verified = json<{
      status: string;
      verification_details: { restore_test: { tables_checked: number } };
    }>(await runCli(['verify', incremental, '--type', 'restore_test', '--json'], { env }));
    expect(verified.status).toBe('passed');
    expect(verified.verification_details.restore_test.tables_checked).toBe(5);
    expect((await db.databases()).filter((d) => d.startsWith('lifeboat_'))).toEqual([]);
  });

  it('reads its checksums in the dump snapshot while the database is being written', async () => {
    const { result: during, writes } = await whileWriting(
      (i) =>
        db.query(
          'app',
          `INSERT INTO events VALUES (${1_000_000 + i}, NOW(), 'during'); UPDATE customers SET note = '${i}' WHERE id = 1`,
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

  it('without the RELOAD privilege reads checksums beside the dump, and says so', async () => {
    await db.query(
      undefined,
      `CREATE USER 'plain'@'%' IDENTIFIED BY '${db.password}'; GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES ON app.* TO 'plain'@'%'`,
    );
    const url = `mysql://plain@${db.host}:${db.port}/app`;
    await runCli(['target', 'add', 'plain', '--type', 'mysql', '--url', url, '--password-env', 'APP_PW'], {
      env,
    });
    const backup = json<{ source: { checksums_in_dump_snapshot: boolean } }>(
      await runCli(['backup', '--target', 'plain', '--json'], { env }),
    );
    expect(backup.source.checksums_in_dump_snapshot).toBe(false);
  });

  it('fails clearly: wrong password, unreachable server, missing database, dump tool dying', async () => {
    const port = await freePort();
    const bin = fs.mkdtempSync(path.join(home.dir, 'bin-'));
    fs.writeFileSync(
      path.join(bin, 'mariadb-dump'),
      `#!/bin/sh\nif [ "$1" = "--version" ]; then exec /usr/bin/mariadb-dump --version; fi\n` +
        `/usr/bin/mariadb-dump "$@" | head -c 1000000\necho "mariadb-dump: Error 2013: Lost connection" >&2\nkill -KILL $$\n`,
      { mode: 0o755 },
    );
    const cases: [string, string, string, NodeJS.ProcessEnv, RegExp][] = [
      ['wrong', db.url('app'), 'WRONG_PW', {}, /MySQL at 127\.0\.0\.1:\d+ refused user "lifeboat_admin"/],
      [
        'nowhere',
        `mysql://${db.user}@127.0.0.1:${port}/app`,
        'APP_PW',
        {},
        /Cannot reach MySQL at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      ],
      ['missing', db.url('nope'), 'APP_PW', {}, /Database "nope" does not exist/],
      [
        'dies',
        db.url('app'),
        'APP_PW',
        { LIFEBOAT_MYSQL_BIN: bin },
        /mariadb-dump was killed by SIGKILL: .*Lost connection/,
      ],
    ];
    for (const [name, url, pw, extra, message] of cases) {
      await runCli(['target', 'add', name, '--type', 'mysql', '--url', url, '--password-env', pw], { env });
      const run = await runCli(['backup', '--target', name], { env: { ...env, ...extra } });
      expect({ name, code: run.code }).toEqual({ name, code: name === 'missing' ? 15 : 1 });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain(db.password);
      const listed = json<{ items: { status: string }[] }>(
        await runCli(['backups', '--target', name, '--json'], { env }),
      );
      expect(listed.items.map((b) => b.status)).toEqual(['failed']);
    }
    const snapshots = json<{ name: string }[]>(await runCli(['snapshots', '--json'], { env }));
    expect(snapshots.map((s) => s.name)).toEqual(['app', 'app', 'app', 'plain']);
  });
});
