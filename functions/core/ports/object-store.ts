import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  /** From list, where the store has classes (S3 storage class, Azure access tier): for cost estimates. */
  storageClass?: string;
}

export interface ByteRange {
  offset: number;
  length: number;
}

export type ObjectBody = Buffer | AsyncIterable<Buffer>;

/**
 * A body that can also hand over its pieces in batches of at least `minBytes` (but the last, or
 * fewer where it holds less): one promise per batch instead of one per piece, for a store that
 * gathers pieces into larger writes anyway.
 */
export interface BatchedBody extends AsyncIterable<Buffer> {
  batches(minBytes?: number): AsyncIterable<Buffer[]>;
}

/**
 * A body whose writer reuses the memory of its pieces once the store is done with them: written
 * out, or copied into the store's own buffers. A store that never says so loses nothing but the
 * reuse.
 */
export interface RecyclingBody {
  /** Nothing reads these pieces any more (each is handed back once, after its last read). */
  consumed(pieces: readonly Buffer[]): void;
}

/** Tells a body's writer that the store is done with `pieces`, where the body wants to know. */
export function piecesConsumed(body: unknown, pieces: readonly Buffer[]): void {
  if (typeof body === 'object' && body !== null && 'consumed' in body && typeof body.consumed === 'function')
    (body as RecyclingBody).consumed(pieces);
}

/** The pieces of a streamed body in batches: as it hands them over, or one by one. */
export async function* bodyBatches(body: AsyncIterable<Buffer>, minBytes?: number): AsyncGenerator<Buffer[]> {
  if ('batches' in body && typeof body.batches === 'function') {
    yield* (body as BatchedBody).batches(minBytes);
    return;
  }
  for await (const piece of body) yield [piece];
}

export interface PutOptions {
  /** Fail with ObjectExistsError instead of replacing an existing object. */
  createOnly?: boolean;
}

/**
 * Where repository objects live: a local directory, S3, Azure Blob. Keys are slash-separated
 * relative paths. A put is atomic: readers see the old object, or the whole new one, never a part.
 */
export interface ObjectStore {
  /** Human-readable location for messages, e.g. a path or s3://bucket/prefix. */
  readonly location: string;
  /**
   * Reads cross a network (S3, Azure), so the network and not the CPU sets the pace of a restore.
   * Absent for a local directory.
   */
  readonly remote?: boolean;
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo>;
  /** Throws ObjectNotFoundError when the key does not exist. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** A bounded range into memory (a record, a header): cheaper than a stream for small reads. */
  read(key: string, range: ByteRange): Promise<Buffer>;
  /**
   * A bounded range into the caller's buffer, from its start; returns the bytes read (fewer only
   * at the object's end). Lets a reader reuse its buffers instead of allocating one per read.
   */
  readInto(key: string, range: ByteRange, target: Uint8Array): Promise<number>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with prefix, in no particular order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
}
