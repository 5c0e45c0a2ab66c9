"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DatabaseError = exports.ToolFailedError = exports.ToolMissingError = exports.GcRunningError = exports.TransientError = exports.JobCancelledError = exports.ConflictError = exports.RecordNotFoundError = exports.StorageFullError = exports.StorageError = exports.StorageNotFoundError = exports.StoragePermissionError = exports.BackupNotFoundError = exports.IntegrityError = exports.KeyFileError = exports.WriteOnlyKeyError = exports.NewerKeyGenerationError = exports.KeyRotatedError = exports.WrongKeyError = exports.RepositoryExistsError = exports.RepositoryNotFoundError = exports.ObjectExistsError = exports.ObjectNotFoundError = exports.InputError = exports.LifeboatError = exports.ExitCode = void 0;
exports.isTransient = isTransient;
/**
 * Typed errors. Every error carries a message for a tired operator and the next step to take,
 * plus a stable code and the process exit status the CLI uses for it.
 * Messages never contain key material, passphrases or secrets.
 */
exports.ExitCode = {
    ok: 0,
    failure: 1,
    usage: 2,
    warnings: 3,
    repositoryMissing: 10,
    integrity: 11,
    wrongKey: 12,
    permission: 13,
    noSpace: 14,
    notFound: 15,
    conflict: 16,
};
class LifeboatError extends Error {
    code;
    hint;
    exitCode;
    constructor(code, message, hint, exitCode = exports.ExitCode.failure, options) {
        super(message, options);
        this.code = code;
        this.hint = hint;
        this.exitCode = exitCode;
        this.name = new.target.name;
    }
}
exports.LifeboatError = LifeboatError;
class InputError extends LifeboatError {
    constructor(message, hint = 'Run the command with --help to see its options.') {
        super('INVALID_INPUT', message, hint, exports.ExitCode.usage);
    }
}
exports.InputError = InputError;
class ObjectNotFoundError extends LifeboatError {
    key;
    constructor(key) {
        super('OBJECT_NOT_FOUND', `Object ${key} does not exist in the repository.`, 'Run `lifeboat check` to see what else is missing.', exports.ExitCode.integrity);
        this.key = key;
    }
}
exports.ObjectNotFoundError = ObjectNotFoundError;
class ObjectExistsError extends LifeboatError {
    key;
    constructor(key) {
        super('OBJECT_EXISTS', `Object ${key} already exists and may not be overwritten.`, 'This is a bug or a concurrent writer using the same name; retry the operation.');
        this.key = key;
    }
}
exports.ObjectExistsError = ObjectExistsError;
class RepositoryNotFoundError extends LifeboatError {
    location;
    constructor(location) {
        super('REPOSITORY_NOT_FOUND', `No Lifeboat repository at ${location}.`, 'Check --repo / LIFEBOAT_HOME, or create one with `lifeboat init`.', exports.ExitCode.repositoryMissing);
        this.location = location;
    }
}
exports.RepositoryNotFoundError = RepositoryNotFoundError;
class RepositoryExistsError extends LifeboatError {
    location;
    constructor(location) {
        super('REPOSITORY_EXISTS', `A Lifeboat repository already exists at ${location}.`, 'Use it as it is, or choose another location with --repo.', exports.ExitCode.usage);
        this.location = location;
    }
}
exports.RepositoryExistsError = RepositoryExistsError;
class WrongKeyError extends LifeboatError {
    constructor(detail) {
        super('WRONG_KEY', `The key does not open this repository: ${detail}.`, 'Use the key file or passphrase this repository was created with (LIFEBOAT_KEY_FILE / LIFEBOAT_PASSPHRASE).', exports.ExitCode.wrongKey);
    }
}
exports.WrongKeyError = WrongKeyError;
/**
 * The key that opened the repository belongs to a generation a rotation replaced: it still reads
 * every backup made up to that generation, but new data must be sealed under the newest key.
 */
class KeyRotatedError extends LifeboatError {
    generation;
    latestGeneration;
    constructor(generation, latestGeneration, writeOnly = false) {
        super('KEY_ROTATED', writeOnly
            ? `This write-only key belongs to key generation ${generation}, but the repository's keys were rotated to generation ${latestGeneration}: it can no longer back up.`
            : `This key opens key generation ${generation}, but the repository's keys were rotated to generation ${latestGeneration}: it can read and restore, not write.`, writeOnly
            ? 'Have the holder of a current key make a new writer slot (`lifeboat key add --writer`), or rotate with this key file at hand so that it is made again.'
            : 'Open the repository with a key made since the rotation, or have its holder run `lifeboat key add` for this key (see `lifeboat key list`).', exports.ExitCode.wrongKey);
        this.generation = generation;
        this.latestGeneration = latestGeneration;
    }
}
exports.KeyRotatedError = KeyRotatedError;
/** An object sealed after a rotation, read with a key of an older generation (FORMAT.md §3.6). */
class NewerKeyGenerationError extends LifeboatError {
    object;
    constructor(object, generation, latestGeneration) {
        super('NEWER_KEY_GENERATION', `${object} cannot be read with this key: it opens key generation ${generation}, and the repository's keys were rotated to generation ${latestGeneration} (or the object is damaged).`, 'Open the repository with a key made since the rotation (`lifeboat key list` shows the generation of each key).', exports.ExitCode.wrongKey);
        this.object = object;
    }
}
exports.NewerKeyGenerationError = NewerKeyGenerationError;
/** A write-only key (FORMAT.md §3.7) was asked to read what only readers can. */
class WriteOnlyKeyError extends LifeboatError {
    object;
    constructor(object) {
        super('WRITE_ONLY_KEY', `${object} cannot be read with this key: it is a write-only key, which backs up but never reads a backup.`, 'Restore, verify, list and check with a key that reads (a key file, passphrase or KMS slot that is not a writer slot; see `lifeboat key list`).', exports.ExitCode.wrongKey);
        this.object = object;
    }
}
exports.WriteOnlyKeyError = WriteOnlyKeyError;
class KeyFileError extends LifeboatError {
    constructor(message, hint) {
        super('KEY_FILE', message, hint, exports.ExitCode.permission);
    }
}
exports.KeyFileError = KeyFileError;
/** Stored data does not match what was written: tampering, bit rot or truncation. */
class IntegrityError extends LifeboatError {
    object;
    problem;
    offset;
    constructor(object, problem, offset) {
        super('INTEGRITY', `Damaged object ${object}${offset === undefined ? '' : ` at offset ${offset}`}: ${problem}.`, 'Run `lifeboat check --read-data` for a full report; restore from another copy of the repository if one exists.', exports.ExitCode.integrity);
        this.object = object;
        this.problem = problem;
        this.offset = offset;
    }
}
exports.IntegrityError = IntegrityError;
class BackupNotFoundError extends LifeboatError {
    reference;
    constructor(reference) {
        super('BACKUP_NOT_FOUND', `No backup matches "${reference}".`, 'List backups with `lifeboat snapshots`; use a full id, a unique prefix, or latest:NAME.', exports.ExitCode.notFound);
        this.reference = reference;
    }
}
exports.BackupNotFoundError = BackupNotFoundError;
class StoragePermissionError extends LifeboatError {
    location;
    constructor(location, cause, hint = 'Run as a user that may read and write the repository, or fix its ownership and mode.', detail = '') {
        super('PERMISSION_DENIED', `Permission denied at ${location}${detail ? ` (${detail})` : ''}.`, hint, exports.ExitCode.permission, { cause });
        this.location = location;
    }
}
exports.StoragePermissionError = StoragePermissionError;
/** The bucket or container a repository URL names does not exist (or is not visible). */
class StorageNotFoundError extends LifeboatError {
    location;
    constructor(location, what, hint, cause) {
        super('STORAGE_NOT_FOUND', `${what} does not exist (${location}).`, hint, exports.ExitCode.repositoryMissing, {
            cause,
        });
        this.location = location;
    }
}
exports.StorageNotFoundError = StorageNotFoundError;
/** A storage service refused a request for a reason no retry will fix; its own words are kept. */
class StorageError extends LifeboatError {
    location;
    constructor(location, detail, hint, cause) {
        super('STORAGE', `Storage request failed at ${location}: ${detail}.`, hint, exports.ExitCode.failure, {
            cause,
        });
        this.location = location;
    }
}
exports.StorageError = StorageError;
class StorageFullError extends LifeboatError {
    location;
    constructor(location, cause) {
        super('NO_SPACE', `No space left on the device holding ${location}; the backup was not saved.`, 'Free space (or prune old backups) and run the backup again; the repository is still valid.', exports.ExitCode.noSpace, { cause });
        this.location = location;
    }
}
exports.StorageFullError = StorageFullError;
/** A catalog record (target, schedule, job) that does not exist. */
class RecordNotFoundError extends LifeboatError {
    entity;
    reference;
    constructor(entity, reference, hint = `List what exists with \`lifeboat ${entity === 'schedule' ? 'schedule list' : entity === 'target' ? 'target list' : 'backups'}\`.`) {
        super('NOT_FOUND', `No ${entity} "${reference}".`, hint, exports.ExitCode.notFound);
        this.entity = entity;
        this.reference = reference;
    }
}
exports.RecordNotFoundError = RecordNotFoundError;
/**
 * A catalog write that lost: the name is taken, or the job is no longer in a state that allows
 * the change (a cancelled backup cannot complete, a finished one cannot be cancelled).
 */
class ConflictError extends LifeboatError {
    constructor(message, hint) {
        super('CONFLICT', message, hint, exports.ExitCode.conflict);
    }
}
exports.ConflictError = ConflictError;
/** A job found cancelled while it ran: it stops, and keeps the status `cancelled`. */
class JobCancelledError extends LifeboatError {
    constructor(what) {
        super('CANCELLED', `The ${what} was cancelled.`, 'Nothing to do: start it again when you want it.', exports.ExitCode.conflict);
    }
}
exports.JobCancelledError = JobCancelledError;
/**
 * A failure that may well not happen again (a dropped connection, throttling, a busy catalog):
 * workflows retry steps that fail with it, with backoff, before giving up.
 */
class TransientError extends LifeboatError {
    constructor(message, options) {
        super('TRANSIENT', message, 'It is retried automatically; if it persists, check the network and the storage service.', exports.ExitCode.failure, options);
    }
}
exports.TransientError = TransientError;
const TRANSIENT_CODES = new Set([
    'ECONNRESET',
    'ETIMEDOUT',
    'ECONNREFUSED',
    'EPIPE',
    'EAI_AGAIN',
    'EBUSY',
    'ERR_SQLITE_BUSY',
]);
/** Whether a retry could help: TransientError, or a low-level error of the network or a busy resource. */
function isTransient(error) {
    if (error instanceof TransientError)
        return true;
    if (error instanceof LifeboatError)
        return false;
    const code = error?.code;
    return typeof code === 'string' && TRANSIENT_CODES.has(code);
}
/** A backup found garbage collection running on its repository: it waits and is retried. */
class GcRunningError extends TransientError {
    constructor() {
        super('Garbage collection is running on the repository; the backup waits for it and is retried.');
    }
}
exports.GcRunningError = GcRunningError;
/** A database or dump tool that a strategy needs is not installed where Lifeboat looks. */
class ToolMissingError extends LifeboatError {
    tool;
    constructor(tool, hint) {
        super('TOOL_MISSING', `${tool} is not installed (or not on PATH).`, hint);
        this.tool = tool;
    }
}
exports.ToolMissingError = ToolMissingError;
/** A spawned tool (pg_dump, pg_restore, ...) exited with an error; its stderr is summarised. */
class ToolFailedError extends LifeboatError {
    tool;
    exit;
    stderr;
    constructor(tool, exit, stderr, hint = 'Fix what the tool reports and run the job again; nothing half-made was kept.') {
        super('TOOL_FAILED', `${tool} ${exit}${stderr ? `: ${stderr}` : '.'}`, hint);
        this.tool = tool;
        this.exit = exit;
        this.stderr = stderr;
    }
}
exports.ToolFailedError = ToolFailedError;
/**
 * The database could not be used: unreachable, credentials refused, database missing or already
 * there. The message names the server (never the password) and what went wrong.
 */
class DatabaseError extends LifeboatError {
    constructor(code, message, hint, options) {
        super(code, message, hint, code === 'DB_NOT_FOUND'
            ? exports.ExitCode.notFound
            : code === 'DB_EXISTS'
                ? exports.ExitCode.conflict
                : exports.ExitCode.failure, options);
    }
}
exports.DatabaseError = DatabaseError;
//# sourceMappingURL=errors.js.map