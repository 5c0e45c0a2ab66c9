// MongoDB against a real mongod, through the CLI: backup, change, incremental, restore each backup
// into a fresh database and compare every document; a restore test. No MongoDB server can be
// installed on the machine this was written on, so this suite is skipped there (with the reason
// printed) and runs wherever `mongod` and the Database Tools are on PATH. The stand-in suite
// (mongodb-standin.test.ts) covers the same code with stand-in tools.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort } from '../helpers/postgres';
import { runCli, TempHome, type RunResult } from '../helpers/cli';

const missing = ['mongod', 'mongodump', 'mongorestore'].filter(
  (tool) => spawnSync('which', [tool]).status !== 0,
);
const describeMongo = missing.length ? describe.skip : describe;
if (missing.length)
  console.warn(
    `MongoDB real-server tests skipped: ${missing.join(', ')} not on PATH (the stand-in suite ran instead)`,
  );

let mongod: ChildProcess;
let dir: string;
let port: number;
let client: MongoClient;
let home: TempHome;
let env: NodeJS.ProcessEnv;

function json<T>(result: RunResult): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout.toString('utf8')) as T;
}

async function documents(database: string): Promise<Record<string, unknown[]>> {
  const db = client.db(database);
  const out: Record<string, unknown[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray())
    out[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
  return out;
}

beforeAll(async () => {
  if (missing.length) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-mongod-'));
  port = await freePort();
  mongod = spawn('mongod', ['--dbpath', dir, '--port', String(port), '--bind_ip', '127.0.0.1'], {
    stdio: 'ignore',
  });
  client = new MongoClient(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 30_000 });
  await client.connect();
  await client
    .db('app')
    .collection<{ _id: number }>('users')
    .insertMany(
      Array.from({ length: 2000 }, (_, i) => ({
        _id: i,
        name: `user ${i}`,
        note: i % 3 ? 'Grüße 🚀' : null,
        blob: Buffer.alloc(100, i),
      })),
    );
  await client
    .db('app')
    .collection<{ _id: number }>('events')
    .insertMany(Array.from({ length: 20000 }, (_, i) => ({ _id: i, payload: 'e'.repeat(100) })));
  home = new TempHome('lifeboat-mongo-');
  env = home.env;
  json(
    await runCli(
      [
        'target',
        'add',
        'app',
        '--type',
        'mongodb',
        '--url',
        `mongodb://backup@127.0.0.1:${port}/app`,
        '--json',
      ],
      { env },
    ),
  );
}, 120_000);

afterAll(async () => {
  if (missing.length) return;
  await client?.close();
  mongod?.kill();
  home?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describeMongo(
  missing.length
    ? `MongoDB backups against a real server (needs ${missing.join(', ')} on PATH; the stand-in suite ran instead)`
    : 'MongoDB backups against a real server',
  () => {
    it('backs up, changes, backs up again, and restores each backup document for document', async () => {
      const first = json<{ id: string; tables: number }>(
        await runCli(['backup', '--target', 'app', '--type', 'full', '--json'], { env }),
      );
      expect(first.tables).toBe(2);
      const before = await documents('app');
      await client
        .db('app')
        .collection<{ _id: number }>('users')
        .updateOne({ _id: 7 }, { $set: { note: 'changed' } });
      const second = json<{ id: string }>(await runCli(['backup', '--target', 'app', '--json'], { env }));
      const after = await documents('app');
      for (const [id, expected, database] of [
        [first.id, before, 'restored_first'],
        [second.id, after, 'restored_second'],
      ] as const) {
        json(await runCli(['restore', id, '--database', database, '--json'], { env }));
        expect(await documents(database)).toEqual(expected);
      }
      const verified = json<{ status: string }>(
        await runCli(['verify', second.id, '--type', 'restore_test', '--json'], { env }),
      );
      expect(verified.status).toBe('passed');
    });
  },
);
