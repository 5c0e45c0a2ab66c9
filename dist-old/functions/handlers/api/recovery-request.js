"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RecoveryJobBody = void 0;
exports.restoreRequestOf = restoreRequestOf;
const zod_1 = require("zod");
const enums_1 = require("../../core/model/enums");
const restore_steps_1 = require("../../core/services/workflows/restore-steps");
/**
 * A recovery job as the API takes it: the restore request (backup, target_config, point_in_time,
 * validate_only) with the seed's `recovery_type` and `overwrite_existing`, which must agree with
 * it: partial names what to restore, point_in_time names a time, overwrite_existing chooses
 * replacing what is there. A directory target's paths stay inside it (absolute, no `..`).
 */
exports.RecoveryJobBody = restore_steps_1.RestoreRequestSchema.extend({
    recovery_type: enums_1.RecoveryTypeSchema.optional(),
    overwrite_existing: zod_1.z.boolean().optional(),
})
    .strict()
    .superRefine((body, issues) => {
    const target = body.target_config;
    const issue = (path, message) => issues.addIssue({ code: 'custom', path, message });
    if (target.kind === 'directory') {
        const inside = (path, where) => {
            if (path.split('/').includes('..'))
                issue(where, 'must not contain ".." (paths stay inside the target)');
        };
        if (target.path && !target.path.startsWith('/'))
            issue(['target_config', 'path'], 'must be an absolute path');
        if (target.path)
            inside(target.path, ['target_config', 'path']);
        (target.includes ?? []).forEach((p, i) => inside(p, ['target_config', 'includes', i]));
        (target.excludes ?? []).forEach((p, i) => inside(p, ['target_config', 'excludes', i]));
    }
    const parts = [target.includes, target.excludes, target.schemas, target.tables].some((l) => (l ?? []).length > 0);
    if (body.recovery_type === 'partial' && !parts)
        issue(['recovery_type'], 'is partial: name what to restore (includes, excludes, schemas or tables)');
    if (body.recovery_type === 'full' && parts)
        issue(['recovery_type'], 'is full, but target_config names parts: say partial, or name none');
    if ((body.recovery_type === 'point_in_time') !== Boolean(body.point_in_time) &&
        body.recovery_type !== undefined)
        issue(['point_in_time'], body.point_in_time
            ? 'is set: recovery_type is point_in_time'
            : 'is needed for a point_in_time recovery');
    if (body.overwrite_existing !== undefined && target.overwrite !== undefined) {
        const replaces = target.overwrite === true || target.overwrite === 'always' || target.overwrite === 'if-changed';
        if (replaces !== body.overwrite_existing)
            issue(['overwrite_existing'], 'disagrees with target_config.overwrite: give one of them');
    }
    if (body.overwrite_existing && target.kind === 'data-directory')
        issue(['overwrite_existing'], 'a data directory is restored into a new or empty directory');
});
/** The workflow's restore request: overwrite_existing becomes the target's own overwrite choice. */
function restoreRequestOf(body) {
    const { recovery_type: _type, overwrite_existing, ...request } = body;
    void _type;
    const target = request.target_config;
    if (overwrite_existing && target.overwrite === undefined)
        return {
            ...request,
            target_config: {
                ...request.target_config,
                overwrite: target.kind === 'directory' ? 'always' : true,
            },
        };
    return request;
}
//# sourceMappingURL=recovery-request.js.map