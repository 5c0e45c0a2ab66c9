import { randomBytes } from 'node:crypto';
import { close, createReadStream, open, read } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  InputError,
  LifeboatError,
  ObjectExistsError,
  ObjectNotFoundError,
  StorageFullError,
  StoragePermissionError,
} from '../../core/errors';
import {
  bodyBatches,
  piecesConsumed,
  type ByteRange,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from '../../core/ports/object-store';

/** Temporary files live inside the store so that rename and link stay on one filesystem. */
const TMP_DIR = '.tmp';

// Not `instanceof Error`: system errors may come from another realm (a jest VM context, a worker).
function errno(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as NodeJS.ErrnoException).code)
    : undefined;
}

/**
 * An object store in a local directory. Writes go to a temporary file that is fsynced and then
 * renamed (or hard-linked, for create-only puts, which fails atomically if the name exists), and
 * the directory is fsynced, so a crash leaves either the old state or the complete new object.
 */
const WRITE_BATCH_BYTES = 1024 * 1024;

// Plain descriptors for ranged reads, not FileHandles: a restore makes them by the thousand (every
// tree, content list and batch), and a FileHandle's making and finalising showed in its profile.
const openFd = promisify(open);
const readFd = promisify(read);
const closeFd = promisify(close);

export class LocalObjectStore implements ObjectStore {
  readonly location: string;

  constructor(private readonly root: string) {
    this.location = path.resolve(root);
  }

  private pathOf(key: string): string {
    if (
      key === '' ||
      key.startsWith('/') ||
      key.split('/').some((p) => p === '..' || p === '.' || p === '')
    ) {
      throw new InputError(`Invalid object key "${key}".`);
    }
    return path.join(this.location, ...key.split('/'));
  }

  private translate(error: unknown, where: string): unknown {
    switch (errno(error)) {
      case 'EACCES':
      case 'EPERM':
      case 'EROFS':
        return new StoragePermissionError(where, error);
      case 'ENOSPC':
      case 'EDQUOT':
        return new StorageFullError(where, error);
      default:
        return error;
    }
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
    const dest = this.pathOf(key);
    const tmpDir = path.join(this.location, TMP_DIR);
    const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.tmp`);
    let size = 0;
    try {
      await fs.mkdir(tmpDir, { recursive: true });
      const handle = await fs.open(tmp, 'wx', 0o600);
      try {
        if (Buffer.isBuffer(body)) {
          await handle.writeFile(body);
          size = body.length;
        } else {
          // Small pieces (a pack's records) are gathered into writes of about 1 MiB: one system
          // call per record would cost more than the data.
          let batch: Buffer[] = [];
          let batchBytes = 0;
          for await (const pieces of bodyBatches(body, WRITE_BATCH_BYTES)) {
            for (const piece of pieces) {
              batch.push(piece);
              batchBytes += piece.length;
            }
            if (batchBytes >= WRITE_BATCH_BYTES) {
              await handle.writev(batch);
              piecesConsumed(body, batch);
              size += batchBytes;
              batch = [];
              batchBytes = 0;
            }
          }
          if (batch.length > 0) {
            await handle.writev(batch);
            piecesConsumed(body, batch);
          }
          size += batchBytes;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.mkdir(path.dirname(dest), { recursive: true });
      if (options.createOnly) {
        try {
          await fs.link(tmp, dest);
        } catch (error) {
          if (errno(error) === 'EEXIST') throw new ObjectExistsError(key);
          throw error;
        }
        await fs.unlink(tmp);
      } else {
        await fs.rename(tmp, dest);
      }
      await this.syncDirectory(path.dirname(dest));
    } catch (error) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      if (error instanceof LifeboatError) throw error;
      throw this.translate(error, this.location);
    }
    return { key, size };
  }

  private async syncDirectory(dir: string): Promise<void> {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Opens an object with `opener` (a FileHandle for streams, a plain descriptor for ranges), first,
   * so that a missing object is reported as such, not as a stream error later.
   */
  private async openForReading<T>(key: string, opener: (file: string) => Promise<T>): Promise<T> {
    const file = this.pathOf(key);
    try {
      return await opener(file);
    } catch (error) {
      if (errno(error) === 'ENOENT') throw new ObjectNotFoundError(key);
      throw this.translate(error, file);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const handle = await this.openForReading(key, (file) => fs.open(file, 'r'));
    if (range && range.length === 0) {
      await handle.close();
      return Readable.from([]);
    }
    return createReadStream('', {
      fd: handle,
      start: range?.offset,
      end: range ? range.offset + range.length - 1 : undefined,
      highWaterMark: 1024 * 1024,
    });
  }

  async read(key: string, range: ByteRange): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(range.length);
    const filled = await this.readInto(key, range, buffer);
    return filled === range.length ? buffer : buffer.subarray(0, filled);
  }

  async readInto(key: string, range: ByteRange, target: Uint8Array): Promise<number> {
    if (target.length < range.length)
      throw new RangeError(`a ${target.length}-byte buffer for ${range.length} bytes`);
    const fd = await this.openForReading(key, (file) => openFd(file, 'r'));
    try {
      let filled = 0;
      while (filled < range.length) {
        const { bytesRead } = await readFd(fd, target, filled, range.length - filled, range.offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled;
    } finally {
      await closeFd(fd);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const stat = await fs.stat(this.pathOf(key));
      return stat.isFile() ? { key, size: stat.size } : undefined;
    } catch (error) {
      if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return undefined;
      throw this.translate(error, path.join(this.location, key));
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Walk from the deepest directory the prefix names, then filter by the full prefix.
    if (prefix === TMP_DIR || prefix.startsWith(`${TMP_DIR}/`)) return;
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash >= 0 ? prefix.slice(0, slash) : '';
    yield* this.walk(dirKey, prefix);
  }

  private async *walk(dirKey: string, prefix: string): AsyncIterable<ObjectInfo> {
    const dir = dirKey === '' ? this.location : this.pathOf(dirKey);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return;
      throw this.translate(error, dir);
    }
    for (const entry of entries) {
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (dirKey === '' && entry.name === TMP_DIR) continue;
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.walk(key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const stat = await fs.stat(path.join(dir, entry.name));
        yield { key, size: stat.size };
      }
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await fs.rm(this.pathOf(key), { force: true });
    } catch (error) {
      throw this.translate(error, path.join(this.location, key));
    }
  }
}
