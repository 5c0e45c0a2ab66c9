"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.VerifyRequestSchema = void 0;
exports.startVerification = startVerification;
exports.runVerification = runVerification;
exports.recordVerificationFailure = recordVerificationFailure;
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const path = __importStar(require("node:path"));
const zod_1 = require("zod");
const ids_1 = require("../../../repository/ids");
const reader_1 = require("../../../repository/reader");
const tree_io_1 = require("../../../repository/tree-io");
const tree_io_2 = require("../../../repository/tree-io");
const browse_1 = require("../../../sources/filesystem/browse");
const restore_1 = require("../../../sources/filesystem/restore");
const verify_restored_1 = require("../../../sources/filesystem/verify-restored");
const errors_1 = require("../../errors");
const common_1 = require("../../model/common");
const enums_1 = require("../../model/enums");
const audit_1 = require("../audit");
const content_1 = require("../content");
const restore_stream_1 = require("../restore-stream");
const step_failure_1 = require("./step-failure");
const database_restore_1 = require("./database-restore");
exports.VerifyRequestSchema = zod_1.z
    .object({
    /** A backup id, a unique prefix of one, or latest:NAME. */
    backup: zod_1.z.string().min(1),
    verification_type: enums_1.VerificationTypeSchema.default('checksum'),
})
    .strict();
const VerificationIdSchema = zod_1.z.object({ verification_id: common_1.IdSchema }).strict();
/** Start: the verification is recorded (running) against the backup the reference names. */
async function startVerification(ctx, input) {
    const request = exports.VerifyRequestSchema.parse(input);
    const manifest = await (await ctx.repository()).resolveSnapshot(request.backup);
    const now = ctx.now();
    const verification = {
        id: (0, ids_1.newUlid)(now.getTime()),
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
const DISCARD = {
    write: async () => undefined,
    end: async () => undefined,
    abort: async () => undefined,
};
/**
 * checksum: the value the catalog recorded equals the manifest's, and the repository still
 * produces it (a tree's root digest; a stream's digest over every chunk, read and verified).
 */
async function checksumCheck(ctx, reader, manifest, streamRestore) {
    const recorded = (await ctx.catalog.getBackup(manifest.id))?.checksum_value ?? null;
    let computed;
    if (manifest.content.kind === 'tree') {
        computed = (await (0, tree_io_1.treeDigest)(reader, (0, browse_1.rootParts)(manifest))).toString('hex');
    }
    else {
        computed = (await streamRestore()).checksum;
    }
    const ok = computed === manifest.checksum_value && (recorded === null || recorded === manifest.checksum_value);
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
async function integrityCheck(reader, manifest) {
    const seen = new Set();
    const problems = [];
    let bytes = 0;
    const check = async (id) => {
        const hex = id.toString('hex');
        if (seen.has(hex))
            return;
        seen.add(hex);
        try {
            bytes += (await reader.read(id)).length;
        }
        catch (error) {
            if (problems.length < 100)
                problems.push({ chunk: hex, problem: error.message });
        }
    };
    if (manifest.content.kind === 'tree') {
        for await (const { node } of (0, browse_1.walkTree)(reader, (0, browse_1.rootParts)(manifest))) {
            if (node.type !== 'file')
                continue;
            if ('lists' in node.content)
                for (const list of node.content.lists)
                    await check(list);
            for await (const ref of (0, tree_io_2.fileRefs)(reader, node.content))
                await check(ref.id);
        }
    }
    else {
        for await (const ref of (0, content_1.readContentLists)(reader, manifest.content, (list) => seen.add(list.toString('hex'))))
            await check(ref.id);
    }
    return { ok: problems.length === 0, details: { chunks_read: seen.size, bytes_read: bytes, problems } };
}
/**
 * restore_test: a real restore into a throwaway directory, read back and compared with the
 * snapshot's chunk ids (a stream: restored and its checksum compared), then removed. A
 * database dump is restored into a throwaway database and compared table by table.
 */
async function restoreTest(ctx, repo, reader, manifest, streamRestore, verificationId) {
    if ((0, database_restore_1.isDatabaseBackup)(manifest))
        return (0, database_restore_1.databaseRestoreTest)(ctx, repo, manifest, verificationId);
    if (manifest.content.kind !== 'tree') {
        const { bytes, checksum } = await streamRestore();
        return { ok: checksum === manifest.checksum_value, details: { bytes_restored: bytes, checksum } };
    }
    const scratch = (0, node_fs_1.mkdtempSync)(path.join((0, node_os_1.tmpdir)(), 'lifeboat-restore-test-'));
    const { bavail, bsize } = (0, node_fs_1.statfsSync)(scratch);
    try {
        const target = path.join(scratch, 'restore');
        let restored;
        try {
            restored = await (0, restore_1.restoreTree)(repo, manifest, { target });
        }
        catch (error) {
            if (!(error instanceof restore_1.RestoreFailedError) || !error.problems.every((p) => NO_SPACE.test(p.problem)))
                throw error;
            // The worker's disk, not the backup: say so, or the alert reads like a broken backup.
            return {
                ok: false,
                details: {
                    error: `The restore test ran out of scratch space in ${path.dirname(scratch)} (${bavail * bsize} bytes free at the start; ` +
                        `the backup holds ${manifest.content.size} bytes of files), so it could not finish. This says nothing about the backup.`,
                    hint: "Give the verification more room: TMPDIR on a larger disk. On AWS, RunVerification has Lambda's most (10 GiB): run a bigger restore test from a machine with room (`lifeboat verify ID --type restore_test` with the repository's URL).",
                },
            };
        }
        const check = await (0, verify_restored_1.verifyRestoredTree)(repo, reader, manifest, target);
        return {
            ok: check.problems.length === 0 && restored.refused.length === 0,
            details: { files_restored: restored.files_restored, bytes_restored: restored.bytes_restored, ...check },
        };
    }
    finally {
        (0, node_fs_1.rmSync)(scratch, { recursive: true, force: true });
    }
}
/** What a write into a full disk (or an exhausted quota) reports. */
const NO_SPACE = /^(ENOSPC|EDQUOT)\b/;
/** A check stopped by damage (an unreadable tree, a restore that hit a bad chunk) failed; it did not crash. */
async function damageIsAResult(check) {
    try {
        return await check();
    }
    catch (error) {
        if (error instanceof errors_1.LifeboatError && !(error instanceof errors_1.TransientError))
            return { ok: false, details: { error: `${error.message} ${error.hint}` } };
        throw error;
    }
}
/**
 * Run: the checks the type asks for; the verification is recorded passed or failed, and a
 * failed one is announced (alerts). A check that finds damage is a result, not an error.
 */
async function runVerification(ctx, input) {
    const { verification_id } = VerificationIdSchema.parse(input);
    const verification = await ctx.catalog.getVerification(verification_id);
    if (!verification)
        throw new errors_1.RecordNotFoundError('verification', verification_id);
    const repo = await ctx.repository();
    const manifest = await repo.loadSnapshot(verification.backup_id);
    const reader = new reader_1.ChunkReader(repo, await (0, reader_1.loadChunkIndex)(repo));
    const type = verification.verification_type;
    const all = type === 'full_verification';
    // A stream's checksum and its restore test are one full read: done once, shared.
    let streamRestored;
    const streamRestore = () => (streamRestored ??= (0, restore_stream_1.restoreStream)(repo, manifest, DISCARD));
    const details = {};
    const patch = {};
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
        const outcome = await damageIsAResult(() => restoreTest(ctx, repo, reader, manifest, streamRestore, verification_id));
        patch.restore_test_passed = outcome.ok;
        details.restore_test = outcome.details;
    }
    const passed = [patch.checksum_valid, patch.data_integrity_verified, patch.restore_test_passed].every((v) => v !== false);
    const done = await ctx.catalog.updateVerification(verification_id, {
        ...patch,
        status: passed ? 'passed' : 'failed',
        verification_details: details,
        completed_at: ctx.now().toISOString(),
    }, ['pending', 'running']);
    await (0, audit_1.audit)(ctx, {
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
async function recordVerificationFailure(ctx, input) {
    const state = step_failure_1.StepFailureSchema.parse(input);
    const id = state.started?.verification_id ?? null;
    const message = (0, step_failure_1.describeStepError)(state.error);
    if (id) {
        try {
            await ctx.catalog.updateVerification(id, { status: 'failed', error_message: message, completed_at: ctx.now().toISOString() }, ['pending', 'running']);
        }
        catch (error) {
            if (!(error instanceof errors_1.ConflictError))
                throw error;
        }
    }
    await ctx.events.publish({ type: 'Verification Failed', detail: { verification_id: id, error: message } });
    return { verification_id: id };
}
//# sourceMappingURL=verify-steps.js.map