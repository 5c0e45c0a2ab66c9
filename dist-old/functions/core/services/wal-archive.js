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
exports.archivedWal = archivedWal;
exports.walPush = walPush;
exports.walFetch = walFetch;
exports.walFetchCommand = walFetchCommand;
const node_crypto_1 = require("node:crypto");
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const errors_1 = require("../errors");
const backup_stream_1 = require("./backup-stream");
const restore_stream_1 = require("./restore-stream");
const source_info_1 = require("../../sources/postgres/physical/source-info");
const wal_1 = require("../../sources/postgres/physical/wal");
const WAL_FILE = /^[0-9A-F]{8}([0-9A-F]{16}(\.[0-9A-F]{8}\.backup|\.partial)?|\.history)$/;
/** The archived WAL files of a target, oldest first, with their manifests. */
async function archivedWal(repo, target) {
    const name = (0, source_info_1.walArchiveName)(target);
    return (await repo.listSnapshots())
        .filter((m) => m.name === name && m.source?.kind === 'postgres-wal')
        .map((manifest) => ({ manifest, info: source_info_1.PostgresWalInfoSchema.parse(manifest.source) }));
}
function sha256File(file) {
    return new Promise((resolve, reject) => {
        const hash = (0, node_crypto_1.createHash)('sha256');
        fs.createReadStream(file)
            .on('data', (d) => hash.update(d))
            .on('end', () => resolve(hash.digest('hex')))
            .on('error', reject);
    });
}
/**
 * Archives one WAL file (PostgreSQL's archive_command, `lifeboat wal-push %p`): stored as a
 * snapshot of `<target>.wal` whose source names the file. Archiving the same file again is a
 * success (PostgreSQL retries); a different file under an archived name is refused, as the
 * PostgreSQL documentation asks of an archive command.
 */
async function walPush(repo, target, file, snapshotId) {
    const name = path.basename(file);
    if (!WAL_FILE.test(name))
        throw new errors_1.InputError(`${name} is not a WAL file name.`, "Use `lifeboat wal-push %p --target NAME` as PostgreSQL's archive_command.");
    const sha256 = await sha256File(file);
    const existing = (await archivedWal(repo, target)).find((w) => w.info.file === name);
    if (existing) {
        if (existing.info.sha256 === sha256)
            return { stored: false, file: name };
        throw new errors_1.LifeboatError('WAL_CONFLICT', `WAL file ${name} of "${target}" is already archived with other contents.`, 'Two clusters archive under one target name, or the cluster was restored without a new timeline: give each cluster its own target.');
    }
    const commits = name.length === 24 ? await (0, wal_1.walCommitTimes)(file) : { first: null, last: null };
    await (0, backup_stream_1.backupStream)(repo, fs.createReadStream(file), {
        name: (0, source_info_1.walArchiveName)(target),
        backupType: 'full',
        targetType: 'database',
        snapshotId,
        parentId: null,
        describeSource: async () => ({
            kind: 'postgres-wal',
            target,
            file: name,
            sha256,
            first_commit_at: commits.first,
            last_commit_at: commits.last,
        }),
    });
    return { stored: true, file: name };
}
function fileSink(file) {
    const out = fs.createWriteStream(file, { mode: 0o600 });
    return {
        write: (data) => new Promise((resolve, reject) => {
            out.write(data, (error) => (error ? reject(error) : resolve()));
        }),
        end: () => new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve()))),
        abort: async () => {
            out.destroy();
            fs.rmSync(file, { force: true });
        },
    };
}
/**
 * Restores one archived WAL file to `dest` (PostgreSQL's restore_command, `lifeboat wal-fetch
 * %f %p`), checked against the repository's checksums; false when the archive does not have it
 * (PostgreSQL then knows it has reached the end of the archive).
 */
async function walFetch(repo, target, name, dest) {
    const found = (await archivedWal(repo, target)).find((w) => w.info.file === name);
    if (!found)
        return false;
    const partial = `${dest}.lifeboat-partial`;
    await (0, restore_stream_1.restoreStream)(repo, found.manifest, fileSink(partial));
    fs.renameSync(partial, dest);
    return true;
}
/** A word for a POSIX shell: single quotes, with embedded ones closed and escaped. */
function shellWord(word) {
    return `'${word.replace(/'/g, `'\\''`)}'`;
}
/**
 * PostgreSQL's restore_command for a target's archive: this Lifeboat (the same Node and CLI
 * script), the same home and repository. PostgreSQL runs it through its shell, so it is one
 * line with every part quoted; %f and %p are PostgreSQL's. A passphrase is never written into
 * it: a repository opened with LIFEBOAT_PASSPHRASE needs that variable in the server's
 * environment.
 */
function walFetchCommand(target, repository, env = process.env) {
    const vars = [
        ['LIFEBOAT_HOME', env.LIFEBOAT_HOME ?? path.join(os.homedir(), '.lifeboat')],
    ];
    for (const name of ['LIFEBOAT_KEY_FILE', 'LIFEBOAT_CATALOG'])
        if (env[name])
            vars.push([name, env[name]]);
    return [
        ...vars.map(([name, value]) => `${name}=${shellWord(value)}`),
        shellWord(process.execPath),
        shellWord(process.argv[1] ?? 'lifeboat'),
        'wal-fetch',
        '%f',
        '%p',
        '--target',
        shellWord(target),
        '--repo',
        shellWord(repository),
    ].join(' ');
}
//# sourceMappingURL=wal-archive.js.map