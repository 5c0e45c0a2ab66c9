import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { newUlid } from '../../../repository/ids';
import { ChunkReader, loadChunkIndex } from '../../../repository/reader';
import type { Repository } from '../../../repository/repository';
import type { SnapshotManifest } from '../../../repository/snapshot';
import { treeDigest } from '../../../repository/tree-io';
import { fileRefs } from '../../../repository/tree-io';
import { rootParts, walkTree } from '../../../sources/filesystem/browse';
import { RestoreFailedError, restoreTree, type TreeRestoreResult } from '../../../sources/filesystem/restore';
import { verifyRestoredTree } from '../../../sources/filesystem/verify-restored';
import { ConflictError, LifeboatError, RecordNotFoundError, TransientError } from '../../errors';
import { IdSchema } from '../../model/common';
import { VerificationTypeSchema } from '../../model/enums';
import type { BackupVerification } from '../../model/verification';
import type { ByteSink } from '../../ports/byte-sink';
import { audit } from '../audit';
import { readContentLists } from '../content';
import type { ServiceContext } from '../context';
import { restoreStream } from '../restore-stream';
import { describeStepError, StepFailureSchema } from './step-failure';
import { databaseRestoreTest, isDatabaseBackup } from './database-restore';

export const VerifyRequestSchema = z
  .object({
    /** A backup id, a unique prefix of one, or latest:NAME. */
    backup: z.string().min(1),
    verification_type: VerificationTypeSchema.default('checksum'),
  })
  .strict();
export type VerifyRequest = z.input<typeof VerifyRequestSchema>;

const VerificationIdSchema = z.object({ verification_id: IdSchema }).strict();

/** Start: the verification is recorded (running) against the backup the reference names. */
export async function startVerification(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ verification_id: string }> {
  const request = VerifyRequestSchema.parse(input);
  const manifest = await (await ctx.repository()).resolveSnapshot(request.backup);
  const now = ctx.now();
  const verification: BackupVerification = {
    id: newUlid(now.getTime()),
    backup_id: manifest.id,
    verification_type: request.verification_type,
    status: 'running',
    checksum_valid: null,
    restore_test_passed: null,
    data_integrity_verified: null,
    verification_details: null,
    error_message: null,
    started_at: now.toISOString(),
    completed_at: null,
    created_at: now.toISOString(),
  };
  await ctx.catalog.createVerification(verification);
  return { verification_id: verification.id };
}

/** A stream restored to nowhere: every chunk and the whole stream's checksum verified. */
type StreamRestore = () => Promise<{ bytes: number; checksum: string }>;

const DISCARD: ByteSink = {
  write: async () => undefined,
  end: async () => undefined,
  abort: async () => undefined,
};

interface CheckOutcome {
  ok: boolean;
  details: Record<string, unknown>;
}

/**
 * checksum: the value the catalog recorded equals the manifest's, and the repository still
 * produces it (a tree's root digest; a stream's digest over every chunk, read and verified).
 */
async function checksumCheck(
  ctx: ServiceContext,
  reader: ChunkReader,
  manifest: SnapshotManifest,
  streamRestore: StreamRestore,
): Promise<CheckOutcome> {
  const recorded = (await ctx.catalog.getBackup(manifest.id))?.checksum_value ?? null;
  let computed: string;
  if (manifest.content.kind === 'tree') {
    computed = (await treeDigest(reader, rootParts(manifest))).toString('hex');
  } else {
    computed = (await streamRestore()).checksum;
  }
  const ok =
    computed === manifest.checksum_value && (recorded === null || recorded === manifest.checksum_value);
  return {
    ok,
    details: {
      algorithm: manifest.checksum_algorithm,
      manifest: manifest.checksum_value,
      catalog: recorded,
      computed,
    },
  };
}

/**
 * integrity_check: every chunk the snapshot references (trees, content lists, file data) is
 * in the index and reads back: its record authenticates and its bytes hash to its id.
 */
async function integrityCheck(reader: ChunkReader, manifest: SnapshotManifest): Promise<CheckOutcome> {
  const seen = new Set<string>();
  const problems: { chunk: string; problem: string }[] = [];
  let bytes = 0;
  const check = async (id: Buffer) => {
    const hex = id.toString('hex');
    if (seen.has(hex)) return;
    seen.add(hex);
    try {
      bytes += (await reader.read(id)).length;
    } catch (error) {
      if (problems.length < 100) problems.push({ chunk: hex, problem: (error as Error).message });
    }
  };
  if (manifest.content.kind === 'tree') {
    for await (const { node } of walkTree(reader, rootParts(manifest))) {
      if (node.type !== 'file') continue;
      if ('lists' in node.content) for (const list of node.content.lists) await check(list);
      for await (const ref of fileRefs(reader, node.content)) await check(ref.id);
    }
  } else {
    for await (const ref of readContentLists(reader, manifest.content, (list) =>
      seen.add(list.toString('hex')),
    ))
      await check(ref.id);
  }
  return { ok: problems.length === 0, details: { chunks_read: seen.size, bytes_read: bytes, problems } };
}

/**
 * restore_test: a real restore into a throwaway directory, read back and compared with the
 * snapshot's chunk ids (a stream: restored and its checksum compared), then removed. A
 * database dump is restored into a throwaway database and compared table by table.
 */
async function restoreTest(
  ctx: ServiceContext,
  repo: Repository,
  reader: ChunkReader,
  manifest: SnapshotManifest,
  streamRestore: StreamRestore,
  verificationId: string,
): Promise<CheckOutcome> {
  if (isDatabaseBackup(manifest)) return databaseRestoreTest(ctx, repo, manifest, verificationId);
  if (manifest.content.kind !== 'tree') {
    const { bytes, checksum } = await streamRestore();
    return { ok: checksum === manifest.checksum_value, details: { bytes_restored: bytes, checksum } };
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'lifeboat-restore-test-'));
  const { bavail, bsize } = statfsSync(scratch);
  try {
    const target = path.join(scratch, 'restore');
    let restored: TreeRestoreResult;
    try {
      restored = await restoreTree(repo, manifest, { target });
    } catch (error) {
      if (!(error instanceof RestoreFailedError) || !error.problems.every((p) => NO_SPACE.test(p.problem)))
        throw error;
      // The worker's disk, not the backup: say so, or the alert reads like a broken backup.
      return {
        ok: false,
        details: {
          error:
            `The restore test ran out of scratch space in ${path.dirname(scratch)} (${bavail * bsize} bytes free at the start; ` +
            `the backup holds ${manifest.content.size} bytes of files), so it could not finish. This says nothing about the backup.`,
          hint: "Give the verification more room: TMPDIR on a larger disk. On AWS, RunVerification has Lambda's most (10 GiB): run a bigger restore test from a machine with room (`lifeboat verify ID --type restore_test` with the repository's URL).",
        },
      };
    }
    const check = await verifyRestoredTree(repo, reader, manifest, target);
    return {
      ok: check.problems.length === 0 && restored.refused.length === 0,
      details: { files_restored: restored.files_restored, bytes_restored: restored.bytes_restored, ...check },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** What a write into a full disk (or an exhausted quota) reports. */
const NO_SPACE = /^(ENOSPC|EDQUOT)\b/;

/** A check stopped by damage (an unreadable tree, a restore that hit a bad chunk) failed; it did not crash. */
async function damageIsAResult(check: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof LifeboatError && !(error instanceof TransientError))
      return { ok: false, details: { error: `${error.message} ${error.hint}` } };
    throw error;
  }
}

/**
 * Run: the checks the type asks for; the verification is recorded passed or failed, and a
 * failed one is announced (alerts). A check that finds damage is a result, not an error.
 */
export async function runVerification(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ verification_id: string; status: string }> {
  const { verification_id } = VerificationIdSchema.parse(input);
  const verification = await ctx.catalog.getVerification(verification_id);
  if (!verification) throw new RecordNotFoundError('verification', verification_id);
  const repo = await ctx.repository();
  const manifest = await repo.loadSnapshot(verification.backup_id);
  const reader = new ChunkReader(repo, await loadChunkIndex(repo));
  const type = verification.verification_type;
  const all = type === 'full_verification';
  // A stream's checksum and its restore test are one full read: done once, shared.
  let streamRestored: ReturnType<StreamRestore> | undefined;
  const streamRestore: StreamRestore = () => (streamRestored ??= restoreStream(repo, manifest, DISCARD));
  const details: Record<string, unknown> = {};
  const patch: Partial<BackupVerification> = {};
  if (all || type === 'checksum') {
    const outcome = await damageIsAResult(() => checksumCheck(ctx, reader, manifest, streamRestore));
    patch.checksum_valid = outcome.ok;
    details.checksum = outcome.details;
  }
  if (all || type === 'integrity_check') {
    const outcome = await damageIsAResult(() => integrityCheck(reader, manifest));
    patch.data_integrity_verified = outcome.ok;
    details.integrity = outcome.details;
  }
  if (all || type === 'restore_test') {
    const outcome = await damageIsAResult(() =>
      restoreTest(ctx, repo, reader, manifest, streamRestore, verification_id),
    );
    patch.restore_test_passed = outcome.ok;
    details.restore_test = outcome.details;
  }
  const passed = [patch.checksum_valid, patch.data_integrity_verified, patch.restore_test_passed].every(
    (v) => v !== false,
  );
  const done = await ctx.catalog.updateVerification(
    verification_id,
    {
      ...patch,
      status: passed ? 'passed' : 'failed',
      verification_details: details,
      completed_at: ctx.now().toISOString(),
    },
    ['pending', 'running'],
  );
  await audit(ctx, {
    operation_type: 'verify',
    entity_type: 'backup',
    entity_id: verification.backup_id,
    action: `verification.${done.status}`,
    details: { verification_id, verification_type: type },
  });
  await ctx.events.publish({
    type: passed ? 'Verification Passed' : 'Verification Failed',
    detail: { verification_id, backup_id: verification.backup_id, verification_type: type },
  });
  return { verification_id, status: done.status };
}

/** The failure path: the verification could not run to the end; recorded failed, with why. */
export async function recordVerificationFailure(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ verification_id: string | null }> {
  const state = StepFailureSchema.parse(input);
  const id = state.started?.verification_id ?? null;
  const message = describeStepError(state.error);
  if (id) {
    try {
      await ctx.catalog.updateVerification(
        id,
        { status: 'failed', error_message: message, completed_at: ctx.now().toISOString() },
        ['pending', 'running'],
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  await ctx.events.publish({ type: 'Verification Failed', detail: { verification_id: id, error: message } });
  return { verification_id: id };
}
