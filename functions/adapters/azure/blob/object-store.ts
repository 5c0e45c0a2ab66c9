import type {
  BlobImmutabilityPolicy,
  BlockBlobClient,
  BlockBlobCommitBlockListOptions,
  BlockBlobUploadOptions,
  ContainerClient,
  ListBlobsFlatSegmentResponse,
} from '@azure/storage-blob';
import { Readable } from 'node:stream';
import { InputError, ObjectNotFoundError } from '../../../core/errors';
import type {
  ByteRange,
  ObjectBody,
  ObjectInfo,
  ObjectStore,
  PutOptions,
} from '../../../core/ports/object-store';
import { cloudPieces, readStreamInto, readToBuffer, type RangeReader } from '../../shared/resumable-read';
import { assertValidKey } from '../../shared/object-keys';
import { PartBuffers, partsOf } from '../../shared/part-buffers';
import type { RequestCounter, RequestKind } from '../../shared/request-counter';
import { translateAzureError } from './errors';

export type AzureAccessTier = 'Hot' | 'Cool' | 'Cold' | 'Archive';

/** Immutability for every blob written: a version-level policy until now + days. */
export interface AzureImmutabilitySettings {
  mode: 'Unlocked' | 'Locked';
  days: number;
}

export interface AzureBlobStoreSettings {
  container: string;
  /** Blob name prefix inside the container, without leading or trailing slash ('' for the root). */
  prefix: string;
  accessTier?: AzureAccessTier;
  /** Needs version-level immutability support enabled on the container (or account). */
  immutability?: AzureImmutabilitySettings;
  legalHold?: boolean;
  /** Staged block size. */
  blockSize?: number;
  /** Blocks in flight over all uploads at once: the store's upload memory is blockSize × concurrency. */
  concurrency?: number;
  /** Blobs per list request (Azure's maximum is 5000). */
  listPageSize?: number;
  /** Counts requests by kind so that a backup can report them (`lifeboat cost`). */
  requests?: RequestCounter;
  /** For messages; defaults to the client's account. */
  accountName?: string;
}

/** The options every write carries; the same for a single upload and a block list commit. */
type WriteOptions = Pick<
  BlockBlobUploadOptions & BlockBlobCommitBlockListOptions,
  'conditions' | 'tier' | 'immutabilityPolicy' | 'legalHold'
>;

const DEFAULT_BLOCK_SIZE = 5 * 1024 * 1024;
const DEFAULT_CONCURRENCY = 4;
const DAY_MS = 86_400_000;
const CONTAINER_NAME = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * A repository in an Azure Blob Storage container. Puts are atomic by Azure's nature: a single
 * Put Blob, or staged blocks that become the blob only when the block list is committed (blocks
 * never committed are discarded by Azure after a week). Create-only puts send If-None-Match: *,
 * which Azure checks on Put Blob and on Put Block List.
 */
export class AzureBlobObjectStore implements ObjectStore {
  readonly location: string;
  readonly remote = true;
  private readonly base: string;
  private readonly blocks: PartBuffers;

  constructor(
    private readonly client: ContainerClient,
    private readonly settings: AzureBlobStoreSettings,
  ) {
    if (!CONTAINER_NAME.test(settings.container))
      throw new InputError(
        `"${settings.container}" is not a valid Azure container name.`,
        'Container names are 3-63 characters: lower-case letters, digits and single hyphens.',
      );
    this.base = settings.prefix === '' ? '' : `${settings.prefix.replace(/^\/+|\/+$/g, '')}/`;
    const account = settings.accountName ?? client.accountName;
    this.location = `azure://${account}/${settings.container}/${this.base}`.replace(/\/$/, '');
    this.blocks = new PartBuffers(
      settings.blockSize ?? DEFAULT_BLOCK_SIZE,
      settings.concurrency ?? DEFAULT_CONCURRENCY,
    );
  }

  private blobName(key: string): string {
    assertValidKey(key);
    return this.base + key;
  }

  private count(kind: RequestKind, n = 1): void {
    this.settings.requests?.add(kind, n);
  }

  private describe(key: string): string {
    return `${this.location}/${key}`;
  }

  private immutabilityPolicy(): BlobImmutabilityPolicy | undefined {
    const lock = this.settings.immutability;
    // The SDK spells the expiry `expiriesOn`; it becomes x-ms-immutability-policy-until-date.
    return lock && { expiriesOn: new Date(Date.now() + lock.days * DAY_MS), policyMode: lock.mode };
  }

  private writeOptions(options: PutOptions): WriteOptions {
    const policy = this.immutabilityPolicy();
    return {
      ...(options.createOnly ? { conditions: { ifNoneMatch: '*' } } : {}),
      ...(this.settings.accessTier ? { tier: this.settings.accessTier } : {}),
      ...(policy ? { immutabilityPolicy: policy } : {}),
      ...(this.settings.legalHold ? { legalHold: true } : {}),
    };
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
    const blob = this.client.getBlockBlobClient(this.blobName(key));
    const write = this.writeOptions(options);
    if (Buffer.isBuffer(body)) {
      this.count('put');
      try {
        await blob.upload(body, body.length, write);
      } catch (error) {
        throw translateAzureError(error, this.describe(key), key, options);
      }
      return { key, size: body.length };
    }
    return this.putStream(blob, key, body, write, options);
  }

  /**
   * Stages blocks as the body arrives, in the store's shared block buffers (part-buffers.ts), and
   * commits the block list at the end: until that commit nobody sees a new blob, and an existing
   * one stays whole. A body that fits in one block is a single Put Blob.
   */
  private async putStream(
    blob: BlockBlobClient,
    key: string,
    body: AsyncIterable<Buffer>,
    write: WriteOptions,
    options: PutOptions,
  ): Promise<ObjectInfo> {
    const ids: string[] = [];
    const staged: Promise<unknown>[] = [];
    let stagingFailed = false;
    let size = 0;
    // The body's own failure is not Azure's: it is thrown as it is.
    let sourceFailed = true;
    try {
      const parts = partsOf(body, this.blocks);
      for await (const { buffer, length, last } of parts) {
        if (ids.length === 0 && last) {
          sourceFailed = false;
          this.count('put');
          try {
            await blob.upload(buffer.subarray(0, length), length, write);
          } finally {
            this.blocks.give(buffer);
          }
          return { key, size: length };
        }
        if (stagingFailed) {
          this.blocks.give(buffer);
          break;
        }
        size += length;
        // Block ids of one blob must all have the same length.
        const id = Buffer.from(`block-${String(ids.length).padStart(6, '0')}`).toString('base64');
        ids.push(id);
        this.count('put');
        const stage = blob.stageBlock(id, buffer.subarray(0, length), length).then(
          () => this.blocks.give(buffer),
          (error: unknown) => {
            this.blocks.give(buffer);
            stagingFailed = true;
            throw error;
          },
        );
        stage.catch(() => undefined);
        staged.push(stage);
      }
      sourceFailed = false;
      await Promise.all(staged);
      this.count('put');
      await blob.commitBlockList(ids, write);
      return { key, size };
    } catch (error) {
      // Blocks staged and never committed are discarded by Azure; no blob appears.
      await Promise.allSettled(staged);
      if (sourceFailed && !stagingFailed) throw error;
      throw translateAzureError(error, this.describe(key), key, options);
    }
  }

  private rangeReader(key: string): RangeReader {
    const blob = this.client.getBlobClient(this.blobName(key));
    return async (range, etag) => {
      this.count('get');
      const out = await blob.download(range?.offset ?? 0, range?.length, {
        ...(etag ? { conditions: { ifMatch: etag } } : {}),
        // resumableBody resumes a broken body itself; the SDK's own retries would nest inside it.
        maxRetryRequests: 0,
      });
      const body = (out.readableStreamBody as Readable | undefined) ?? Readable.from([]);
      return { body, etag: out.etag, length: Number(out.contentLength ?? 0) };
    };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    return Readable.from(await this.pieces(key, range), { objectMode: false });
  }

  /** An object or range as the pieces it arrives in: read and readInto take them without a stream. */
  private pieces(key: string, range?: ByteRange): Promise<AsyncIterable<Buffer>> {
    return cloudPieces(
      range,
      async () => (await this.head(key)) !== undefined,
      () => new ObjectNotFoundError(key),
      this.rangeReader(key),
      (error) => translateAzureError(error, this.describe(key), key),
    );
  }

  async read(key: string, range: ByteRange): Promise<Buffer> {
    return readToBuffer(await this.pieces(key, range));
  }

  async readInto(key: string, range: ByteRange, target: Uint8Array): Promise<number> {
    return readStreamInto(await this.pieces(key, range), target);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const blob = this.client.getBlobClient(this.blobName(key));
    this.count('head');
    try {
      const out = await blob.getProperties();
      return { key, size: Number(out.contentLength ?? 0) };
    } catch (error) {
      const translated = translateAzureError(error, this.describe(key), key);
      if (translated instanceof ObjectNotFoundError) return undefined;
      throw translated;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const pages = this.client
      .listBlobsFlat({ prefix: this.base + prefix })
      .byPage({ maxPageSize: this.settings.listPageSize });
    for (;;) {
      const page = await this.nextPage(pages);
      if (!page) return;
      for (const item of page.segment.blobItems)
        yield {
          key: item.name.slice(this.base.length),
          size: Number(item.properties.contentLength ?? 0),
          ...(item.properties.accessTier ? { storageClass: item.properties.accessTier } : {}),
        };
    }
  }

  /** One list request (the pager asks for the next page only when the previous one had a marker). */
  private async nextPage(
    pages: AsyncIterator<ListBlobsFlatSegmentResponse>,
  ): Promise<ListBlobsFlatSegmentResponse | undefined> {
    let next: IteratorResult<ListBlobsFlatSegmentResponse>;
    try {
      next = await pages.next();
    } catch (error) {
      this.count('list');
      throw translateAzureError(error, this.location);
    }
    if (next.done) return undefined;
    this.count('list');
    return next.value;
  }

  async delete(key: string): Promise<void> {
    const blob = this.client.getBlobClient(this.blobName(key));
    this.count('delete');
    try {
      // deleteIfExists answers a missing blob (BlobNotFound) with succeeded: false, not an error.
      await blob.deleteIfExists();
    } catch (error) {
      throw translateAzureError(error, this.describe(key), key);
    }
  }
}
