"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ApplicationRestoreTargetSchema = void 0;
exports.validateApplicationRestore = validateApplicationRestore;
exports.runApplicationRestore = runApplicationRestore;
exports.checkRestoredApplication = checkRestoredApplication;
const zod_1 = require("zod");
const reader_1 = require("../../../repository/reader");
const own_files_1 = require("../../../sources/filesystem/own-files");
const restore_1 = require("../../../sources/filesystem/restore");
const verify_restored_1 = require("../../../sources/filesystem/verify-restored");
const errors_1 = require("../../errors");
const application_1 = require("../application");
const database_restore_1 = require("./database-restore");
/**
 * An application backup restored in place, all components together: each file component into
 * the directory it was backed up from, each database into the database it was dumped from.
 * Anything that exists is replaced only with `overwrite`.
 */
exports.ApplicationRestoreTargetSchema = zod_1.z.object({
    kind: zod_1.z.literal('application'),
    overwrite: zod_1.z.boolean().default(false),
});
/** Where each component goes back to. */
async function placements(ctx, manifest, overwrite) {
    if (manifest.source?.kind !== 'application')
        throw new errors_1.InputError(`Backup ${manifest.id} is not an application backup.`, 'Restore it with --target, --database or --stdout.');
    const repo = await ctx.repository();
    return (await (0, application_1.applicationComponents)(repo, manifest)).map(({ component, manifest: m }) => {
        if (m.content.kind === 'tree') {
            if (m.content.paths.length !== 1)
                throw new errors_1.InputError(`The component "${component.target}" was backed up from ${m.content.paths.length} paths; an in-place restore needs one.`, `Restore it on its own: lifeboat restore ${m.id} --target DIR.`);
            return { component, manifest: m, kind: 'files', path: m.content.paths[0] };
        }
        const { info } = (0, database_restore_1.databaseBackupOf)(m);
        return {
            component,
            manifest: m,
            kind: 'database',
            target: database_restore_1.DatabaseRestoreTargetSchema.parse({ kind: 'database', database: info.database, overwrite }),
        };
    });
}
/** Validate: every component can go back (nothing existing is replaced unless asked). */
async function validateApplicationRestore(ctx, manifest, target) {
    for (const p of await placements(ctx, manifest, target.overwrite)) {
        if (p.kind === 'files')
            (0, restore_1.checkRestoreTarget)(p.path, target.overwrite ? 'always' : undefined, new own_files_1.OwnFiles(ctx.ownFiles));
        else
            await (0, database_restore_1.validateDatabaseRestore)(ctx, p.manifest, p.target);
    }
}
/** Restore: the components one after the other; the first failure stops the restore. */
async function runApplicationRestore(ctx, manifest, target, jobId, onProgress) {
    const repo = await ctx.repository();
    const done = [];
    let before = 0;
    let refused = 0;
    for (const p of await placements(ctx, manifest, target.overwrite)) {
        if (p.kind === 'files') {
            const result = await (0, restore_1.restoreTree)(repo, p.manifest, {
                target: p.path,
                overwrite: target.overwrite ? 'always' : undefined,
                ownFiles: ctx.ownFiles,
                onProgress: (_files, bytes) => onProgress(before + bytes),
            });
            refused += result.refused.length;
            done.push({
                target: p.component.target,
                restored_to: p.path,
                bytes: result.bytes_restored,
                ...(result.refused.length > 0 && { refused: result.refused.slice(0, verify_restored_1.NOT_RESTORED_KEPT) }),
                ...(result.skipped.length > 0 && { skipped: result.skipped.slice(0, verify_restored_1.NOT_RESTORED_KEPT) }),
            });
        }
        else {
            const result = await (0, database_restore_1.runDatabaseRestore)(ctx, repo, p.manifest, p.target, jobId, (bytes) => onProgress(before + bytes));
            done.push({
                target: p.component.target,
                restored_to: `database ${p.target.database}`,
                bytes: result.bytes,
            });
        }
        before += done.at(-1).bytes;
    }
    return { bytes: before, refused, components: done };
}
/** Validate the recovery: each component checked as its own restore would be. */
async function checkRestoredApplication(ctx, manifest, target, restored) {
    const repo = await ctx.repository();
    const reader = new reader_1.ChunkReader(repo, await (0, reader_1.loadChunkIndex)(repo));
    const total = {
        files_checked: 0,
        bytes_checked: 0,
        dirs_checked: 0,
        symlinks_checked: 0,
        tables_checked: 0,
        problems: [],
    };
    for (const p of await placements(ctx, manifest, target.overwrite)) {
        if (p.kind === 'files') {
            // What the restore left alone on purpose is not compared (as for a restore of one tree).
            const record = restored.find((r) => r.target === p.component.target);
            const notRestored = [...(record?.refused ?? []), ...(record?.skipped ?? [])].map((x) => x.path);
            const check = await (0, verify_restored_1.verifyRestoredTree)(repo, reader, p.manifest, p.path, { notRestored });
            total.files_checked += check.files_checked;
            total.bytes_checked += check.bytes_checked;
            total.dirs_checked += check.dirs_checked;
            total.symlinks_checked += check.symlinks_checked;
            total.problems.push(...check.problems.map((x) => ({ ...x, path: `${p.component.target}: ${x.path}` })));
        }
        else {
            const check = await (0, database_restore_1.checkRestoredDatabase)(ctx, p.manifest, p.target);
            total.tables_checked += check.tables_checked;
            total.problems.push(...check.problems.map((x) => ({ path: `${p.component.target}: ${x.table}`, problem: x.problem })));
        }
    }
    return total;
}
//# sourceMappingURL=application-restore.js.map