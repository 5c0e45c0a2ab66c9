// The MongoDB strategy without a MongoDB server: none can be installed on this machine, so
// mongodump and mongorestore are a stand-in (test/helpers/mongo-standin: real archive format,
// databases kept as files) and the driver-side admin (existence, drop) is a stand-in over the
// same files. What is tested for real: argument arrays, the password file, streaming the
// archive, reading per-collection checksums from it, the restore rules and the errors.
// test/e2e/mongodb.test.ts runs the same flow against a real mongod where one exists.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serialize, Binary, Long } from 'bson';
import { ToolFailedError, ToolMissingError, DatabaseError, InputError } from '../../functions/core/errors';
import type { MongodbTargetConfig } from '../../functions/core/model/target';
import type { MongoAdmin } from '../../functions/sources/mongodb/admin';
import { dumpMongodb, mongoCollectionStats } from '../../functions/sources/mongodb/dump';
import { restoreMongodb } from '../../functions/sources/mongodb/restore';
import type { ByteSink } from '../../functions/core/ports/byte-sink';

const ROOT = path.join(__dirname, '..', '..');
let dir: string;
let state: string;
let calls: () => { tool: string; args: string[]; configMode: string | null }[];

const config: MongodbTargetConfig = {
  kind: 'mongodb',
  host: '127.0.0.1',
  port: 27017,
  user: 'backup',
  database: 'app',
  auth_database: 'admin',
  password: { source: 'env', variable: 'MONGO_PW' },
  tls: { mode: 'prefer', ca_file: null },
  exclude_tables: ['cache'],
};
const credential = { password: 'pa"ss word' };

/** The stand-in's databases, read and written as the stand-in tools keep them. */
function database(name: string): Record<string, string[]> | undefined {
  const file = path.join(state, `${name}.json`);
  return fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { collections: Record<string, string[]> }).collections
    : undefined;
}

/** Stand-in for the driver-side admin (no server here), over the stand-in's files. */
const admin: MongoAdmin = {
  serverVersion: async () => '7.0.0-standin',
  databaseSize: async (name) => (database(name) ? fs.statSync(path.join(state, `${name}.json`)).size : 0),
  databaseExists: async (name) => database(name) !== undefined,
  collections: async (name) => Object.keys(database(name) ?? {}),
  dropDatabase: async (name) => fs.rmSync(path.join(state, `${name}.json`), { force: true }),
  end: async () => undefined,
};

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-mongo-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const file of ['standin.js', 'mongodump', 'mongorestore'])
    fs.copyFileSync(path.join(ROOT, 'test', 'helpers', 'mongo-standin', file), path.join(bin, file));
  fs.chmodSync(path.join(bin, 'mongodump'), 0o755);
  fs.chmodSync(path.join(bin, 'mongorestore'), 0o755);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(bin, 'node_modules-link'));
  state = path.join(dir, 'mongo-state');
  fs.mkdirSync(state);
  fs.writeFileSync(path.join(state, 'password'), credential.password);
  const docs = (n: number, make: (i: number) => object) =>
    Array.from({ length: n }, (_, i) => Buffer.from(serialize(make(i))).toString('base64'));
  fs.writeFileSync(
    path.join(state, 'app.json'),
    JSON.stringify({
      collections: {
        users: docs(500, (i) => ({
          _id: i,
          name: `user ${i}`,
          note: i % 3 ? 'Grüße 🚀' : null,
          n: Long.fromNumber(i * 1e6),
        })),
        files: docs(20, (i) => ({ _id: i, data: new Binary(Buffer.alloc(10_000, i)) })),
        cache: docs(5, (i) => ({ _id: i })),
      },
    }),
  );
  process.env.LIFEBOAT_MONGO_BIN = bin;
  calls = () =>
    fs
      .readFileSync(path.join(state, 'calls.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tool: string; args: string[]; configMode: string | null });
});

afterEach(() => {
  delete process.env.LIFEBOAT_MONGO_BIN;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('MongoDB strategy with stand-in tools (no MongoDB server here)', () => {
  it('dumps with an argument array and a private password file, and checksums each collection from the archive', async () => {
    const dump = await dumpMongodb(config, credential);
    const archive = await collect(dump.stream);
    const info = await dump.info();
    expect(info).toMatchObject({
      kind: 'mongodb',
      database: 'app',
      server_version: '7.0.0-standin',
      tool: { name: 'mongodump', version: '100.10.0' },
    });
    expect(info.tables.map((t) => [t.name, t.rows])).toEqual([
      ['files', 20],
      ['users', 500],
    ]);
    const call = calls().find((c) => c.tool === 'mongodump')!;
    expect(call.args.slice(0, 5)).toEqual([
      '--host=127.0.0.1',
      '--port=27017',
      '--username=backup',
      '--authenticationDatabase=admin',
      expect.stringMatching(/^--config=.*config\.yaml$/),
    ]);
    expect(call.args.slice(5)).toEqual(['--archive', '--db=app', '--excludeCollection=cache']);
    expect(call.configMode).toBe('600');
    expect(JSON.stringify(call.args)).not.toContain(credential.password);
    // The private config file is gone after the dump.
    expect(fs.existsSync(call.args[4]!.slice('--config='.length))).toBe(false);

    // Restore into a new database: byte-identical documents, checked by the same checksums.
    const restored = await restoreMongodb(
      admin,
      config,
      credential,
      info,
      { database: 'copy', overwrite: false, schemas: [], tables: [], jobId: '01ABC' },
      async (sink) => {
        await sink.write(archive);
        await sink.end();
      },
    );
    expect(restored).toEqual({ database: 'copy', replaced: false, into_existing: false });
    expect(database('copy')).toEqual({ users: database('app')!.users, files: database('app')!.files });
    const restoreCall = calls().find((c) => c.tool === 'mongorestore')!;
    expect(restoreCall.args.slice(5)).toEqual([
      '--archive',
      '--nsFrom=app.*',
      '--nsTo=copy.*',
      '--nsInclude=app.*',
      '--stopOnError',
    ]);
    expect(await mongoCollectionStats(config, credential, 'copy')).toEqual(info.tables);
  });

  it('refuses to replace a database or a collection unless asked, and replaces on --overwrite', async () => {
    const dump = await dumpMongodb(config, credential);
    const archive = await collect(dump.stream);
    const info = await dump.info();
    const feed = async (sink: ByteSink) => {
      await sink.write(archive);
      await sink.end();
    };
    const request = { database: 'app', overwrite: false, schemas: [], tables: [], jobId: '01ABC' };
    await expect(restoreMongodb(admin, config, credential, info, request, feed)).rejects.toThrow(
      DatabaseError,
    );
    await expect(
      restoreMongodb(admin, config, credential, info, { ...request, tables: ['users'] }, feed),
    ).rejects.toThrow(/Collection\(s\) "users" already exist/);
    await expect(
      restoreMongodb(admin, config, credential, info, { ...request, schemas: ['x'] }, feed),
    ).rejects.toThrow(InputError);
    const replaced = await restoreMongodb(
      admin,
      config,
      credential,
      info,
      { ...request, overwrite: true },
      feed,
    );
    expect(replaced.replaced).toBe(true);
    // Excluded at backup, so gone after a whole-database replace; no staging database is left.
    expect(Object.keys(database('app')!).sort()).toEqual(['files', 'users']);
    expect(fs.readdirSync(state).filter((f) => f.startsWith('lifeboat_'))).toEqual([]);
    const partial = await restoreMongodb(
      admin,
      config,
      credential,
      info,
      { ...request, database: 'other', tables: ['files'] },
      feed,
    );
    expect(partial.into_existing).toBe(false);
    expect(Object.keys(database('other')!)).toEqual(['files']);
    expect(calls().at(-1)!.args).toContain('--nsInclude=app.files');
  });

  it('fails clearly: tool missing, wrong password, dying mid-stream, not an archive', async () => {
    process.env.LIFEBOAT_MONGO_BIN = '/nonexistent';
    await expect(dumpMongodb(config, credential)).rejects.toThrow(ToolMissingError);
    process.env.LIFEBOAT_MONGO_BIN = path.join(dir, 'bin');

    const wrong = await dumpMongodb(config, { password: 'nope' });
    const denied = await collect(wrong.stream).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(ToolFailedError);
    expect((denied as ToolFailedError).message).toMatch(
      /mongodump exited with status 1: .*Authentication failed/,
    );
    expect((denied as ToolFailedError).hint).toMatch(/Check the password the target references/);

    fs.writeFileSync(path.join(state, 'fail'), 'midstream');
    const dying = await dumpMongodb(config, credential);
    const died = await collect(dying.stream).catch((e: unknown) => e);
    expect((died as Error).message).toMatch(/mongodump exited with status 1: .*connection reset by peer/);

    fs.writeFileSync(path.join(state, 'fail'), 'garbage');
    const garbage = await dumpMongodb(config, credential);
    await expect(collect(garbage.stream)).rejects.toThrow(/not a valid mongodump archive/);
  });

  it('a restore that the tool rejects drops the database it was creating', async () => {
    const info = await (async () => {
      const dump = await dumpMongodb(config, credential);
      await collect(dump.stream);
      return dump.info();
    })();
    await expect(
      restoreMongodb(
        admin,
        config,
        credential,
        info,
        { database: 'broken', overwrite: false, schemas: [], tables: [], jobId: '01ABC' },
        async (sink) => {
          await sink.write(Buffer.from('not an archive at all'));
          await sink.end();
        },
      ),
    ).rejects.toThrow(/mongorestore exited with status 1: .*does not appear to be a mongodump archive/);
    expect(database('broken')).toBeUndefined();
  });
});
