/**
 * Typed errors. Every error carries a message for a tired operator and the next step to take,
 * plus a stable code and the process exit status the CLI uses for it.
 * Messages never contain key material, passphrases or secrets.
 */
export const ExitCode = {
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
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class LifeboatError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
    readonly exitCode: ExitCode = ExitCode.failure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InputError extends LifeboatError {
  constructor(message: string, hint = 'Run the command with --help to see its options.') {
    super('INVALID_INPUT', message, hint, ExitCode.usage);
  }
}

export class ObjectNotFoundError extends LifeboatError {
  constructor(readonly key: string) {
    super(
      'OBJECT_NOT_FOUND',
      `Object ${key} does not exist in the repository.`,
      'Run `lifeboat check` to see what else is missing.',
      ExitCode.integrity,
    );
  }
}

export class ObjectExistsError extends LifeboatError {
  constructor(readonly key: string) {
    super(
      'OBJECT_EXISTS',
      `Object ${key} already exists and may not be overwritten.`,
      'This is a bug or a concurrent writer using the same name; retry the operation.',
    );
  }
}

export class RepositoryNotFoundError extends LifeboatError {
  constructor(readonly location: string) {
    super(
      'REPOSITORY_NOT_FOUND',
      `No Lifeboat repository at ${location}.`,
      'Check --repo / LIFEBOAT_HOME, or create one with `lifeboat init`.',
      ExitCode.repositoryMissing,
    );
  }
}

export class RepositoryExistsError extends LifeboatError {
  constructor(readonly location: string) {
    super(
      'REPOSITORY_EXISTS',
      `A Lifeboat repository already exists at ${location}.`,
      'Use it as it is, or choose another location with --repo.',
      ExitCode.usage,
    );
  }
}

export class WrongKeyError extends LifeboatError {
  constructor(detail: string) {
    super(
      'WRONG_KEY',
      `The key does not open this repository: ${detail}.`,
      'Use the key file or passphrase this repository was created with (LIFEBOAT_KEY_FILE / LIFEBOAT_PASSPHRASE).',
      ExitCode.wrongKey,
    );
  }
}

/**
 * The key that opened the repository belongs to a generation a rotation replaced: it still reads
 * every backup made up to that generation, but new data must be sealed under the newest key.
 */
export class KeyRotatedError extends LifeboatError {
  constructor(
    readonly generation: number,
    readonly latestGeneration: number,
    writeOnly = false,
  ) {
    super(
      'KEY_ROTATED',
      writeOnly
        ? `This write-only key belongs to key generation ${generation}, but the repository's keys were rotated to generation ${latestGeneration}: it can no longer back up.`
        : `This key opens key generation ${generation}, but the repository's keys were rotated to generation ${latestGeneration}: it can read and restore, not write.`,
      writeOnly
        ? 'Have the holder of a current key make a new writer slot (`lifeboat key add --writer`), or rotate with this key file at hand so that it is made again.'
        : 'Open the repository with a key made since the rotation, or have its holder run `lifeboat key add` for this key (see `lifeboat key list`).',
      ExitCode.wrongKey,
    );
  }
}

/** An object sealed after a rotation, read with a key of an older generation (FORMAT.md §3.6). */
export class NewerKeyGenerationError extends LifeboatError {
  constructor(
    readonly object: string,
    generation: number,
    latestGeneration: number,
  ) {
    super(
      'NEWER_KEY_GENERATION',
      `${object} cannot be read with this key: it opens key generation ${generation}, and the repository's keys were rotated to generation ${latestGeneration} (or the object is damaged).`,
      'Open the repository with a key made since the rotation (`lifeboat key list` shows the generation of each key).',
      ExitCode.wrongKey,
    );
  }
}

/** A write-only key (FORMAT.md §3.7) was asked to read what only readers can. */
export class WriteOnlyKeyError extends LifeboatError {
  constructor(readonly object: string) {
    super(
      'WRITE_ONLY_KEY',
      `${object} cannot be read with this key: it is a write-only key, which backs up but never reads a backup.`,
      'Restore, verify, list and check with a key that reads (a key file, passphrase or KMS slot that is not a writer slot; see `lifeboat key list`).',
      ExitCode.wrongKey,
    );
  }
}

export class KeyFileError extends LifeboatError {
  constructor(message: string, hint: string) {
    super('KEY_FILE', message, hint, ExitCode.permission);
  }
}

/** Stored data does not match what was written: tampering, bit rot or truncation. */
export class IntegrityError extends LifeboatError {
  constructor(
    readonly object: string,
    readonly problem: string,
    readonly offset?: number,
  ) {
    super(
      'INTEGRITY',
      `Damaged object ${object}${offset === undefined ? '' : ` at offset ${offset}`}: ${problem}.`,
      'Run `lifeboat check --read-data` for a full report; restore from another copy of the repository if one exists.',
      ExitCode.integrity,
    );
  }
}

export class BackupNotFoundError extends LifeboatError {
  constructor(readonly reference: string) {
    super(
      'BACKUP_NOT_FOUND',
      `No backup matches "${reference}".`,
      'List backups with `lifeboat snapshots`; use a full id, a unique prefix, or latest:NAME.',
      ExitCode.notFound,
    );
  }
}

export class StoragePermissionError extends LifeboatError {
  constructor(
    readonly location: string,
    cause?: unknown,
    hint = 'Run as a user that may read and write the repository, or fix its ownership and mode.',
    detail = '',
  ) {
    super(
      'PERMISSION_DENIED',
      `Permission denied at ${location}${detail ? ` (${detail})` : ''}.`,
      hint,
      ExitCode.permission,
      { cause },
    );
  }
}

/** The bucket or container a repository URL names does not exist (or is not visible). */
export class StorageNotFoundError extends LifeboatError {
  constructor(
    readonly location: string,
    what: string,
    hint: string,
    cause?: unknown,
  ) {
    super('STORAGE_NOT_FOUND', `${what} does not exist (${location}).`, hint, ExitCode.repositoryMissing, {
      cause,
    });
  }
}

/** A storage service refused a request for a reason no retry will fix; its own words are kept. */
export class StorageError extends LifeboatError {
  constructor(
    readonly location: string,
    detail: string,
    hint: string,
    cause?: unknown,
  ) {
    super('STORAGE', `Storage request failed at ${location}: ${detail}.`, hint, ExitCode.failure, {
      cause,
    });
  }
}

export class StorageFullError extends LifeboatError {
  constructor(
    readonly location: string,
    cause?: unknown,
  ) {
    super(
      'NO_SPACE',
      `No space left on the device holding ${location}; the backup was not saved.`,
      'Free space (or prune old backups) and run the backup again; the repository is still valid.',
      ExitCode.noSpace,
      { cause },
    );
  }
}

/** A catalog record (target, schedule, job) that does not exist. */
export class RecordNotFoundError extends LifeboatError {
  constructor(
    readonly entity: string,
    readonly reference: string,
    hint = `List what exists with \`lifeboat ${entity === 'schedule' ? 'schedule list' : entity === 'target' ? 'target list' : 'backups'}\`.`,
  ) {
    super('NOT_FOUND', `No ${entity} "${reference}".`, hint, ExitCode.notFound);
  }
}

/**
 * A catalog write that lost: the name is taken, or the job is no longer in a state that allows
 * the change (a cancelled backup cannot complete, a finished one cannot be cancelled).
 */
export class ConflictError extends LifeboatError {
  constructor(message: string, hint: string) {
    super('CONFLICT', message, hint, ExitCode.conflict);
  }
}

/** A job found cancelled while it ran: it stops, and keeps the status `cancelled`. */
export class JobCancelledError extends LifeboatError {
  constructor(what: string) {
    super(
      'CANCELLED',
      `The ${what} was cancelled.`,
      'Nothing to do: start it again when you want it.',
      ExitCode.conflict,
    );
  }
}

/**
 * A failure that may well not happen again (a dropped connection, throttling, a busy catalog):
 * workflows retry steps that fail with it, with backoff, before giving up.
 */
export class TransientError extends LifeboatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(
      'TRANSIENT',
      message,
      'It is retried automatically; if it persists, check the network and the storage service.',
      ExitCode.failure,
      options,
    );
  }
}

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
export function isTransient(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  if (error instanceof LifeboatError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

/** A backup found garbage collection running on its repository: it waits and is retried. */
export class GcRunningError extends TransientError {
  constructor() {
    super('Garbage collection is running on the repository; the backup waits for it and is retried.');
  }
}

/** A database or dump tool that a strategy needs is not installed where Lifeboat looks. */
export class ToolMissingError extends LifeboatError {
  constructor(
    readonly tool: string,
    hint: string,
  ) {
    super('TOOL_MISSING', `${tool} is not installed (or not on PATH).`, hint);
  }
}

/** A spawned tool (pg_dump, pg_restore, ...) exited with an error; its stderr is summarised. */
export class ToolFailedError extends LifeboatError {
  constructor(
    readonly tool: string,
    readonly exit: string,
    readonly stderr: string,
    hint = 'Fix what the tool reports and run the job again; nothing half-made was kept.',
  ) {
    super('TOOL_FAILED', `${tool} ${exit}${stderr ? `: ${stderr}` : '.'}`, hint);
  }
}

/**
 * The database could not be used: unreachable, credentials refused, database missing or already
 * there. The message names the server (never the password) and what went wrong.
 */
export class DatabaseError extends LifeboatError {
  constructor(
    code: 'DB_UNREACHABLE' | 'DB_AUTH' | 'DB_NOT_FOUND' | 'DB_EXISTS' | 'DB_ERROR',
    message: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super(
      code,
      message,
      hint,
      code === 'DB_NOT_FOUND'
        ? ExitCode.notFound
        : code === 'DB_EXISTS'
          ? ExitCode.conflict
          : ExitCode.failure,
      options,
    );
  }
}
