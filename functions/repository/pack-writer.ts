import type { ObjectInfo, ObjectStore } from '../core/ports/object-store';
import type { RepositoryKeys } from './crypto';
import { IdArena } from './id-arena';
import { PieceQueue } from './piece-queue';
import {
  newPackHeader,
  packKey,
  RecordSealer,
  sealTrailer,
  PACK_HEADER_BYTES,
  type PackClass,
  type PackEntry,
  type PackHeader,
} from './pack';

export interface FinishedPack {
  packId: Buffer;
  packClass: PackClass;
  key: string;
  size: number;
  entries: PackEntry[];
}

/**
 * Streams one pack to the store as its records are sealed, so a pack never sits whole in memory.
 * The object appears in the store only when finish() has written the trailer (the store's put is atomic).
 */
export class PackWriter {
  readonly header: PackHeader;
  readonly key: string;
  /**
   * The records' pieces go to the store one by one, as written: a byte stream's reader gets
   * everything buffered at once, which costs a new buffer the size of a record and a copy, per
   * record (1 GiB of allocations per GiB backed up into S3 or Azure).
   */
  private readonly body = new PieceQueue(1024 * 1024);
  private readonly upload: Promise<ObjectInfo>;
  private uploadError: unknown;
  private readonly entries: PackEntry[] = [];
  /** The entries live until the pack is finished: their ids are kept out of Node's buffer pool. */
  private readonly ids = new IdArena();
  private offset = PACK_HEADER_BYTES;
  private readonly sealer: RecordSealer;

  constructor(store: ObjectStore, keys: RepositoryKeys, packClass: PackClass) {
    this.header = newPackHeader(keys, packClass);
    this.key = packKey(packClass, this.header.packId.toString('hex'));
    this.sealer = new RecordSealer(this.header);
    // abort() destroys the body with an error; the upload reads it from there.
    this.upload = store.put(this.key, this.body, { createOnly: true });
    this.upload.catch((error: unknown) => {
      this.uploadError = error;
      // Unblock a writer waiting for room in a body nobody reads any more.
      this.body.destroy();
    });
    this.body.push(this.header.bytes);
  }

  get size(): number {
    return this.offset;
  }

  /** Records added so far. */
  get records(): number {
    return this.entries.length;
  }

  /** Seals a chunk's record into the pack; `framed` as in RecordSealer.seal. */
  async add(id: Buffer, codec: number, payload: Buffer, rawLength: number, framed = false): Promise<void> {
    if (this.uploadError) throw this.uploadError;
    const parts = this.sealer.seal(this.offset, id, codec, payload, framed);
    let storedLength = 0;
    let room = true;
    for (const part of parts) {
      storedLength += part.length;
      if (part.length > 0) room = this.body.push(part);
    }
    this.entries.push({ id: this.ids.keep(id), offset: this.offset, storedLength, rawLength, codec });
    this.offset += storedLength;
    if (!room) {
      await Promise.race([this.body.drained(), this.upload.then(() => undefined)]).catch(() => undefined);
      if (this.uploadError) throw this.uploadError;
    }
  }

  async finish(): Promise<FinishedPack> {
    const tail = sealTrailer(this.header, this.entries);
    this.body.end(tail);
    const info = await this.upload;
    return {
      packId: this.header.packId,
      packClass: this.header.packClass,
      key: this.key,
      size: info.size,
      entries: this.entries,
    };
  }

  /** Abandons the pack: the store never shows a partial object. */
  abort(): void {
    this.body.destroy(new Error('pack aborted'));
  }
}
