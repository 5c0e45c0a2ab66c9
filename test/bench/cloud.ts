// The cloud part: a generated stream backed up into a repository in S3 (s3rver) and in Azure Blob
// (Azurite) and restored, each beside the same stream into a local repository in the same run.
// The emulators are started here and run on this machine: their CPU competes with Lifeboat's, so
// the throughput is that of this set-up, not of S3 or Azure. Peak RSS is Lifeboat's own (GNU time
// measures its process, not the emulator's), and that is what the goal bounds: memory held per
// upload (multipart parts, staged blocks) would show here as it would against the real services.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { startAzurite } from '../helpers/azurite';
import { startS3rver } from '../helpers/s3rver';
import { fill, files, sizeLabel, type CaseContext, type CaseResult, type CloudStore } from './cases';
import { MiB, STREAM_SEED } from './config';
import { offInterrupt, onInterrupt } from './exec';
import { timedToFile } from './measure';
import { keystreamReadable } from './prng';
import type { Command } from './tools';

/** In the order they run for each size: local first, the reference the others are compared with. */
export const CLOUD_STORES: readonly CloudStore[] = ['local', 's3', 'azure'];

const BUCKET = 'bench';
const PREFIX = 'lifeboat';

interface OpenStore {
  /** What --repo names. */
  url: string;
  /** What a Lifeboat process needs to reach the store. */
  env: Record<string, string>;
  /** Stops the emulator; also called from a SIGINT handler, so the signal goes out synchronously. */
  stop(): Promise<void>;
}

/**
 * The helper starts `server.js` next to its compiled self (dist/test/helpers/s3rver/), and only
 * TypeScript is compiled: the file is there only if something copied it.
 */
function s3rverServerScript(): string {
  return path.join(__dirname, '..', 'helpers', 's3rver', 'server.js');
}

/** A fresh, empty store for each case, so that no case pays for another's data (Azurite keeps it in memory). */
async function openStore(store: CloudStore, dir: string): Promise<OpenStore> {
  switch (store) {
    case 'local':
      return { url: path.join(dir, 'lifeboat-repo'), env: {}, stop: async () => undefined };
    case 's3': {
      const script = s3rverServerScript();
      if (!fs.existsSync(script)) {
        throw new Error(
          `${script} is missing: \`npm run build\` compiles test/helpers/s3rver.ts but does not copy ` +
            `test/helpers/s3rver/server.js (scripts/copy-assets.js copies only .wasm files); copy it there`,
        );
      }
      const s3 = await startS3rver([BUCKET]);
      return { url: `s3://${BUCKET}/${PREFIX}`, env: s3.env, stop: () => s3.stop() };
    }
    case 'azure': {
      const azurite = await startAzurite([BUCKET]);
      return { url: `azure://${BUCKET}/${PREFIX}`, env: azurite.env, stop: () => azurite.stop() };
    }
  }
}

/** The stderr of the last command in a log that `timed` appended to (after its "$ cmd" line). */
function lastCommandLog(file: string): string {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return text.slice(text.lastIndexOf('\n$ ') + 1);
}

function mibPerS(r: CaseResult): string {
  return r.inputBytes === undefined || !r.wallS ? '—' : `${(r.inputBytes / MiB / r.wallS).toFixed(0)} MiB/s`;
}

function logLine(r: CaseResult): string {
  const what = `cloud ${r.label} ${r.store ?? '?'} ${r.case === 'restore' ? 'restore' : 'backup'}`;
  if (!r.ok) return `${what}: FAILED: ${(r.error ?? '').split('\n')[0] ?? ''}`;
  return `${what}: ${r.wallS?.toFixed(2)} s, ${mibPerS(r)}, ${r.peakRssMiB?.toFixed(0)} MiB RSS`;
}

/**
 * Backs up a generated stream of `size` bytes into a fresh repository in `store` (the same
 * keystream as the memory part: unique and incompressible, so every chunk is uploaded), then
 * restores it to /dev/null. Lifeboat checks the restored stream against the checksum recorded at
 * backup and says so; that message is the restore's verification.
 */
async function runCloudStream(
  size: number,
  store: CloudStore,
  lb: Command,
  ctx: CaseContext,
): Promise<CaseResult[]> {
  const label = sizeLabel(size);
  const tag = `cloud-${store}-${label.replace(' ', '')}`;
  const dir = path.join(ctx.runDir, tag);
  fs.mkdirSync(dir, { recursive: true });
  const common = { dataset: 'cloud', label, tool: 'lifeboat', store, inputBytes: size, ok: true } as const;
  const backup: CaseResult = { ...common, case: 'stream' };
  const restore: CaseResult = { ...common, case: 'restore' };
  const f = files(ctx, 'lifeboat', tag);
  const logFile = path.join(path.dirname(f.log), `${tag}.log`);
  let opened: OpenStore | undefined;
  try {
    opened = await openStore(store, dir);
    const stop = opened.stop;
    onInterrupt(tag, () => void stop());
    const env = { ...process.env, LIFEBOAT_HOME: path.join(dir, 'home'), ...opened.env };
    const repo = ['--repo', opened.url];

    const feed = (sink: Writable): Promise<void> => pipeline(keystreamReadable(STREAM_SEED, size), sink);
    const backupCmd = {
      cmd: lb.cmd,
      args: [...lb.args, 'backup', '--stdin', '--name', tag, '--type', 'full', '--json', ...repo],
    };
    fill(backup, await timedToFile(backupCmd, f.out, { env, stdin: feed, logFile, timeFile: f.time }));
    if (backup.ok) {
      try {
        backup.reported = JSON.parse(fs.readFileSync(f.out, 'utf8')) as unknown;
      } catch (err) {
        backup.ok = false;
        backup.error = `unreadable output: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    const id = (backup.reported as { id?: unknown } | undefined)?.id;
    if (backup.ok && typeof id !== 'string') {
      backup.ok = false;
      backup.error = 'backup --json printed no "id"';
    }
    if (!backup.ok || typeof id !== 'string') throw new Error('skipped: the backup failed');

    const restoreCmd = { cmd: lb.cmd, args: [...lb.args, 'restore', id, '--stdout', ...repo] };
    const timeFile = `${f.time}.restore`;
    fill(restore, await timedToFile(restoreCmd, '/dev/null', { env, stdin: 'ignore', logFile, timeFile }));
    if (restore.ok) {
      restore.verified = /checksum verified/.test(lastCommandLog(logFile));
      if (!restore.verified) {
        restore.ok = false;
        restore.error = `restore did not say "checksum verified":\n${lastCommandLog(logFile).trimEnd()}`;
      }
    }
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    for (const r of [backup, restore]) {
      if (r.ok && r.wallS === undefined) {
        r.ok = false;
        r.error = error;
      }
    }
  } finally {
    offInterrupt(tag);
    await opened?.stop();
    // Up to 4 GiB of packs in the local repository (s3rver's directory goes with its stop).
    fs.rmSync(dir, { recursive: true, force: true });
  }
  ctx.log(logLine(backup));
  ctx.log(logLine(restore));
  return [backup, restore];
}

/** Every size into every store: local, S3, Azure for one size, then the next size. */
export async function runCloudStreams(
  sizes: readonly number[],
  lb: Command,
  ctx: CaseContext,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const size of sizes) {
    for (const store of CLOUD_STORES) results.push(...(await runCloudStream(size, store, lb, ctx)));
  }
  return results;
}
