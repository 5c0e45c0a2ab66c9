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
exports.DataDirectoryTargetSchema = void 0;
exports.baseBackupOf = baseBackupOf;
exports.walRange = walRange;
exports.checkPointInTime = checkPointInTime;
exports.restoreDataDirectory = restoreDataDirectory;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const zod_1 = require("zod");
const tool_1 = require("../../sources/database/tool");
const source_info_1 = require("../../sources/postgres/physical/source-info");
const errors_1 = require("../errors");
const restore_stream_1 = require("./restore-stream");
const wal_archive_1 = require("./wal-archive");
/** Where a PostgreSQL base backup is restored to: a new data directory (recovery_jobs.target_config). */
exports.DataDirectoryTargetSchema = zod_1.z.object({
    kind: zod_1.z.literal('data-directory'),
    path: zod_1.z.string().min(1),
});
function baseBackupOf(manifest) {
    if (manifest.source?.kind !== 'postgres-base')
        throw new errors_1.InputError(`Backup ${manifest.id} is not a PostgreSQL base backup.`, 'Point-in-time recovery starts from a backup of a target added with --mode physical.');
    return source_info_1.PostgresBaseInfoSchema.parse(manifest.source);
}
/** A segment's position in the WAL (timeline aside): 16 MiB segments, 256 per "log" number. */
function segmentNumber(file) {
    return parseInt(file.slice(8, 16), 16) * 0x100 + parseInt(file.slice(16, 24), 16);
}
/** What the target's WAL archive lets this base backup recover to. */
async function walRange(repo, base) {
    const start = segmentNumber(base.start_wal_file);
    const bySegment = new Map();
    for (const { info } of await (0, wal_archive_1.archivedWal)(repo, base.target)) {
        if (info.file.length !== 24 || parseInt(info.file.slice(0, 8), 16) < base.timeline)
            continue;
        const n = segmentNumber(info.file);
        if (n < start)
            continue;
        const last = info.last_commit_at;
        const known = bySegment.get(n);
        if (known === undefined || (last !== null && (known === null || Date.parse(last) > Date.parse(known))))
            bySegment.set(n, last);
    }
    let to = null;
    let n = start;
    for (; bySegment.has(n); n++) {
        const last = bySegment.get(n);
        if (last !== null && (to === null || Date.parse(last) > Date.parse(to)))
            to = last;
    }
    return { from: base.ended_at, to, segments: n - start };
}
/** Refuses a recovery time outside what the archive covers, naming the range that is there. */
function checkPointInTime(base, range, at) {
    const time = Date.parse(at);
    const covered = range.to !== null && time >= Date.parse(range.from) && time <= Date.parse(range.to);
    if (!covered)
        throw new errors_1.InputError(range.to === null
            ? `No WAL after base backup of "${base.target}" is archived yet: it can be recovered only to its end (${range.from}), not to ${at}.`
            : `No WAL covers ${at}: with this base backup, the archive of "${base.target}" reaches from ${range.from} to ${range.to}.`, 'Pick a time in that range, or another base backup (`lifeboat backups --target NAME`); check that archive_command runs `lifeboat wal-push`.');
}
/** A value in postgresql.conf: single quotes, doubled inside. */
function confString(value) {
    return `'${value.replace(/'/g, "''")}'`;
}
/**
 * Unpacks a base backup into a new data directory and sets it up to recover: recovery.signal,
 * a restore_command that fetches WAL from the archive, and (when asked) the recovery target
 * time, after which the server promotes. Without a time it replays the whole archive.
 */
async function restoreDataDirectory(repo, manifest, dir, at, restoreCommand, onProgress) {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)
        throw new errors_1.InputError(`${dir} is not empty.`, 'A data directory is restored into a new or empty directory.');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    const tar = new tool_1.ToolProcess({
        name: 'tar',
        command: 'tar',
        args: ['-x', '-f', '-', '-C', dir],
        env: { PATH: process.env.PATH },
        missingHint: 'Install tar (Debian: apt-get install tar).',
    }, { stdin: true, stdout: false });
    const { bytes } = await (0, restore_stream_1.restoreStream)(repo, manifest, tar.stdinSink(), { onProgress });
    fs.writeFileSync(path.join(dir, 'recovery.signal'), '');
    fs.appendFileSync(path.join(dir, 'postgresql.auto.conf'), [
        '',
        `# Lifeboat: recover base backup ${manifest.id}${at ? ` to ${at}` : ' to the end of the WAL archive'}`,
        `restore_command = ${confString(restoreCommand)}`,
        // PostgreSQL's timestamptz syntax: ISO 8601's T and Z are not accepted here.
        ...(at ? [`recovery_target_time = ${confString(at.replace('T', ' ').replace(/Z$/, '+00'))}`] : []),
        `recovery_target_action = 'promote'`,
        '',
    ].join('\n'));
    return { bytes };
}
//# sourceMappingURL=point-in-time.js.map