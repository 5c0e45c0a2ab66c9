// Database target configuration: URLs, password references, stderr summaries and the dump's
// argument array. The servers themselves are exercised in test/e2e/postgres*.test.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../functions/core/errors';
import { parseTargetConfig } from '../../functions/core/services/targets';
import { resolveCredential } from '../../functions/sources/database/credentials';
import { compareTableStats, isSelected } from '../../functions/sources/database/table-stats';
import { summarizeStderr } from '../../functions/sources/database/tool';
import { parseDatabaseUrl, parseServerUrl } from '../../functions/sources/database/url';
import { exactPattern, pgDumpArgs } from '../../functions/sources/postgres/dump';
import { pgRestoreSelection } from '../../functions/sources/postgres/restore';
import { optionFilePassword } from '../../functions/sources/mysql/client';
import { mysqlDumpArgs } from '../../functions/sources/mysql/dump';
import { tableFilterSink } from '../../functions/sources/mysql/table-filter';

describe('database URLs', () => {
  it('reads host, port, user, database and sslmode', () => {
    expect(
      parseDatabaseUrl('postgres', 'postgresql://backup@db.internal:6543/app?sslmode=verify-full'),
    ).toEqual({
      host: 'db.internal',
      port: 6543,
      user: 'backup',
      database: 'app',
      tls: { mode: 'verify-full' },
    });
    expect(parseDatabaseUrl('postgres', 'postgres://u@[::1]/my%20db')).toMatchObject({
      host: '::1',
      port: 5432,
      database: 'my db',
    });
  });

  it('refuses a password, a missing database or user, another scheme and a bad sslmode', () => {
    const cases: [string, RegExp][] = [
      ['postgresql://u:secret@h/db', /holds a password/],
      ['postgresql://u@h/', /must name a host and one database/],
      ['postgresql://h/db', /does not name a user/],
      ['ftp://u@h/db', /starts with postgresql:\/\/ or postgres:\/\//],
      ['postgresql://u@h/db?sslmode=sometimes', /is not an sslmode/],
      ['not a url', /is not a URL/],
    ];
    for (const [url, message] of cases) {
      expect(() => parseDatabaseUrl('postgres', url)).toThrow(InputError);
      expect(() => parseDatabaseUrl('postgres', url)).toThrow(message);
    }
  });

  it('a restore server URL may leave the database out; its scheme names the engine', () => {
    expect(parseServerUrl('postgresql://admin@db2:5433')).toMatchObject({
      kind: 'postgres',
      host: 'db2',
      port: 5433,
      database: '',
    });
    expect(() => parseServerUrl('ftp://x@y/z')).toThrow(/not a database server URL/);
  });
});

describe('target configs', () => {
  const base = { kind: 'postgres', host: 'h', port: 5432, user: 'u', database: 'd' };

  it('fills defaults: no password, TLS prefer, everything selected', () => {
    expect(parseTargetConfig(base)).toEqual({
      ...base,
      mode: 'logical',
      password: { source: 'none' },
      tls: { mode: 'prefer', ca_file: null },
      schemas: [],
      tables: [],
      exclude_tables: [],
    });
  });

  it('says what is wrong with an invalid one, and names the known kinds', () => {
    expect(() => parseTargetConfig({ ...base, port: 70000 })).toThrow(
      /The postgres target is not valid: port:/,
    );
    expect(() => parseTargetConfig({ ...base, password: { source: 'env', variable: 'A-B' } })).toThrow(
      /password.variable: must be an environment variable name/,
    );
    let error: unknown;
    try {
      parseTargetConfig({ kind: 'oracle' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({
      message: '"oracle" is not a target type this version knows.',
      hint: 'Use one of: filesystem, postgres, mysql, mongodb, application.',
    });
  });
});

describe('password references', () => {
  it('resolves a variable, a readable file and a secret (its password field when JSON)', async () => {
    expect(await resolveCredential({ source: 'env', variable: 'PW' }, undefined, { PW: 'x' })).toEqual({
      password: 'x',
    });
    await expect(resolveCredential({ source: 'env', variable: 'PW' }, undefined, {})).rejects.toThrow(
      /PW.*is not set/,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-cred-'));
    const file = path.join(dir, 'pgpass');
    fs.writeFileSync(file, '*:*:*:*:pw\n', { mode: 0o600 });
    expect(await resolveCredential({ source: 'file', path: file }, undefined)).toEqual({ file });
    await expect(
      resolveCredential({ source: 'file', path: path.join(dir, 'none') }, undefined),
    ).rejects.toThrow(/cannot be read/);
    fs.rmSync(dir, { recursive: true });
    // Secrets Manager itself is not reachable here: a stand-in reader returns the two formats.
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf';
    const reader = (value: string) => ({ readSecret: async () => value });
    expect(
      await resolveCredential({ source: 'secret', arn }, reader('{"username":"u","password":"p1"}')),
    ).toEqual({
      password: 'p1',
    });
    expect(await resolveCredential({ source: 'secret', arn }, reader('plain'))).toEqual({
      password: 'plain',
    });
    await expect(resolveCredential({ source: 'secret', arn }, undefined)).rejects.toThrow(/cannot reach/);
  });
});

describe('tool output and arguments', () => {
  it('summarises stderr by its error lines and never shows a secret', () => {
    const stderr =
      'pg_dump: last built-in OID is 16383\npg_dump: error: connection failed: FATAL: password "hunter2" wrong\n';
    expect(summarizeStderr(stderr, ['hunter2'])).toBe(
      'pg_dump: error: connection failed: FATAL: password "***" wrong',
    );
    expect(summarizeStderr('a\nb\nc\nd\n')).toBe('b | c | d');
  });

  it('passes exact names to pg_dump, quoted so that nothing is a wildcard', () => {
    expect(exactPattern('sales.or*ders')).toBe('"sales"."or*ders"');
    expect(exactPattern('We"ird')).toBe('"We""ird"');
    const args = pgDumpArgs(
      {
        kind: 'postgres',
        host: 'h',
        port: 1,
        user: 'u',
        database: 'd',
        mode: 'logical',
        password: { source: 'none' },
        tls: { mode: 'prefer', ca_file: null },
        schemas: ['s'],
        tables: [],
        exclude_tables: ['s.log'],
      },
      '00000003-1',
    );
    expect(args).toEqual([
      '--format=custom',
      '--compress=0',
      '--snapshot=00000003-1',
      '--no-password',
      '--schema="s"',
      '--exclude-table="s"."log"',
    ]);
  });

  it("maps a restore's selection onto pg_restore's -n/-t, refusing what they cannot say", () => {
    expect(pgRestoreSelection({ schemas: [], tables: ['sales.a', 'sales.b'] })).toEqual([
      '--schema',
      'sales',
      '--table',
      'a',
      '--table',
      'b',
    ]);
    expect(() => pgRestoreSelection({ schemas: [], tables: ['a.x', 'b.y'] })).toThrow(/same schema/);
    expect(() => pgRestoreSelection({ schemas: [], tables: ['a.x', 'y'] })).toThrow(/same schema/);
  });
});

describe('table checksums', () => {
  const t = (schema: string, name: string, rows: number, checksum = 'c') => ({
    schema,
    name,
    rows,
    checksum,
  });

  it('selects by schema, name or schema.name, minus exclusions', () => {
    expect(isSelected(t('s', 'a', 0), { schemas: ['s'], tables: [] })).toBe(true);
    expect(isSelected(t('p', 'a', 0), { schemas: ['s'], tables: [] })).toBe(false);
    expect(isSelected(t('p', 'a', 0), { schemas: [], tables: ['a'] })).toBe(true);
    expect(isSelected(t('p', 'a', 0), { schemas: [], tables: ['s.a'] })).toBe(false);
    expect(isSelected(t('p', 'a', 0), { schemas: [], tables: [], exclude_tables: ['p.a'] })).toBe(false);
  });

  it('reports missing tables, other row counts and other contents', () => {
    expect(
      compareTableStats(
        [t('p', 'a', 1), t('p', 'b', 2), t('p', 'c', 3, 'x')],
        [t('p', 'b', 5), t('p', 'c', 3, 'y'), t('p', 'extra', 1)],
      ),
    ).toEqual([
      { table: 'p.a', problem: 'missing after the restore' },
      { table: 'p.b', problem: '5 rows, the backup recorded 2' },
      { table: 'p.c', problem: 'same row count, different contents' },
    ]);
  });
});

describe('MySQL specifics', () => {
  it('reads the password of an option file from its client groups', () => {
    expect(optionFilePassword('[mysqld]\npassword=server\n[client]\nuser=u\npassword = "p w"\n')).toBe('p w');
    expect(optionFilePassword('[mysqld]\npassword=server\n')).toBeUndefined();
  });

  it('dumps in one transaction with routines, triggers and events, names after --', () => {
    const args = mysqlDumpArgs({
      kind: 'mysql',
      host: 'h',
      port: 3306,
      user: 'u',
      database: '-odd',
      password: { source: 'none' },
      tls: { mode: 'prefer', ca_file: null },
      tables: ['a'],
      exclude_tables: ['log'],
    });
    expect(args).toEqual([
      '--single-transaction',
      '--routines',
      '--triggers',
      '--events',
      '--hex-blob',
      '--skip-dump-date',
      '--default-character-set=utf8mb4',
      '--ignore-table=-odd.log',
      '--',
      '-odd',
      'a',
    ]);
  });

  it('filters a dump to chosen tables, keeping session settings and the chosen tables whole', async () => {
    const dump = [
      '/*!40101 SET NAMES utf8mb4 */;',
      '-- Table structure for table `a`',
      'DROP TABLE IF EXISTS `a`;',
      'CREATE TABLE `a` (id int);',
      '/*!40101 SET character_set_client = @saved_cs_client */;',
      '-- Dumping data for table `a`',
      '/*!40000 ALTER TABLE `a` DISABLE KEYS */;',
      'INSERT INTO `a` VALUES (1),(2);',
      '-- Table structure for table `b``x`',
      'CREATE TABLE `b``x` (id int);',
      '-- Dumping data for table `b``x`',
      'INSERT INTO `b``x` VALUES (3);',
      '-- Final view structure for view `v`',
      'CREATE VIEW `v` AS SELECT 1;',
      "-- Dumping routines for database 'db'",
      'CREATE PROCEDURE p() SELECT 1;',
      '/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;',
      '',
    ].join('\n');
    const out: Buffer[] = [];
    const sink = tableFilterSink(
      { write: async (d) => void out.push(d), end: async () => undefined, abort: async () => undefined },
      ['b`x'],
    );
    // Split anywhere: lines are reassembled across writes.
    const bytes = Buffer.from(dump);
    for (let i = 0; i < bytes.length; i += 7) await sink.write(bytes.subarray(i, i + 7));
    await sink.end();
    expect(Buffer.concat(out).toString()).toBe(
      [
        '/*!40101 SET NAMES utf8mb4 */;',
        '/*!40101 SET character_set_client = @saved_cs_client */;',
        '-- Table structure for table `b``x`',
        'CREATE TABLE `b``x` (id int);',
        '-- Dumping data for table `b``x`',
        'INSERT INTO `b``x` VALUES (3);',
        '/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;',
        '',
      ].join('\n'),
    );
  });
});
