"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.rebuildCatalog = rebuildCatalog;
const node_os_1 = require("node:os");
const audit_1 = require("../audit");
const backup_steps_1 = require("../workflows/backup-steps");
/**
 * Regenerates the catalog's view of the repository from the repository alone (DESIGN §4: the
 * catalog is an index): every snapshot becomes a completed backup record (added, or corrected
 * when the catalog says otherwise), and every file-backup name without a target gets one with
 * the paths of its newest snapshot. Schedules, jobs and the audit log live only in the catalog.
 */
async function rebuildCatalog(ctx) {
    const repo = await ctx.repository();
    // Archived WAL files are part of a target's archive, not backups of their own.
    const snapshots = (await repo.listSnapshots()).filter((m) => m.source?.kind !== 'postgres-wal');
    const result = {
        snapshots: snapshots.length,
        backups_added: 0,
        backups_updated: 0,
        targets_added: 0,
    };
    const newestByName = new Map();
    for (const manifest of snapshots) {
        newestByName.set(manifest.name, manifest);
        const existing = await ctx.catalog.getBackup(manifest.id);
        const completion = (0, backup_steps_1.completionOf)(manifest);
        if (!existing) {
            const record = (0, backup_steps_1.newBackupRecord)(ctx, {
                id: manifest.id,
                backup_type: manifest.backup_type,
                target_type: manifest.target_type,
                target_identifier: manifest.name,
                checksum_algorithm: manifest.checksum_algorithm,
                created_at: manifest.started_at,
                metadata: { rebuilt_from_repository: true, host: manifest.host },
                ...completion,
            });
            await ctx.catalog.createBackup(record);
            result.backups_added++;
        }
        else if (existing.status !== 'completed' || existing.checksum_value !== manifest.checksum_value) {
            // A snapshot exists, so the backup did complete (a crash after its manifest, before Commit).
            await ctx.catalog.updateBackup(manifest.id, { ...completion, error_message: null });
            result.backups_updated++;
        }
    }
    for (const [name, manifest] of newestByName) {
        if (manifest.content.kind !== 'tree' || (await ctx.catalog.getTarget(name)))
            continue;
        const now = ctx.now().toISOString();
        await ctx.catalog.createTarget({
            name,
            target_type: 'filesystem',
            target_config: {
                kind: 'filesystem',
                paths: manifest.content.paths,
                exclude: [],
                one_file_system: false,
            },
            description: `recovered from the repository (backups by ${manifest.host || (0, node_os_1.hostname)()})`,
            created_at: now,
            updated_at: now,
        });
        result.targets_added++;
    }
    await (0, audit_1.audit)(ctx, {
        operation_type: 'rebuild',
        entity_type: 'repository',
        entity_id: null,
        action: 'catalog.rebuild',
        details: { ...result },
    });
    return result;
}
//# sourceMappingURL=rebuild.js.map