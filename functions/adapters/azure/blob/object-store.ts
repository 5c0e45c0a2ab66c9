import type {
  BlobImmutabilityPolicy,
  BlockBlobClient,
  BlockBlobCommitBlockListOptions,
  BlockBlobUploadOptions,
  BlockBlobUploadStreamOptions,
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
import { cloudGet, readToBuffer, type RangeReader } from '../../shared/resumable-read';
import { assertValidKey } from '../../shared/object-keys';
import { uploadStream } from '../../shared/upload-stream';
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
  /** Staged block size; memory per streamed upload is about blockSize × concurrency. */
  blockSize?: number;
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

const DEFAULT_BLOCK_SIZE = 8 * 1024 * 1024;
const DEFAULT_CONCURRENCY = 4;
const DAY_MS = 86_400_000;
const CONTAINER_NAME = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;

/** A streamed body that remembers whether it failed, so that its own error is not blamed on Azure. */
interface CountedBody {
  readable: Readable;
  size(): number;
  sourceFailed(): boolean;
}

function countedBody(body: AsyncIterable<Buffer>): CountedBody {
  let size = 0;
  let failed = false;
  async function* counting(): AsyncGenerator<Buffer> {
    try {
      for await (const piece of body) {
        size += piece.length;
        yield piece;
      }
    } catch (error) {
      failed = true;
      throw error;
    }
  }
  return { readable: uploadStream(counting()), size: () => size, sourceFailed: () => failed };
}

/**
 * A repository in an Azure Blob Storage container. Puts are atomic by Azure's nature: a single
 * Put Blob, or staged blocks that become the blob only when the block list is committed (blocks
 * never committed are discarded by Azure after a week). Create-only puts send If-None-Match: *,
 * which Azure checks on Put Blob and on Put Block List.
 */
export class AzureBlobObjectStore implements ObjectStore {
  readonly location: string;
  private readonly base: string;

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
   * Stages blocks as the body arrives (at most blockSize × concurrency in memory) and commits the
   * block list at the end: until that commit nobody sees a new blob, and an existing one stays whole.
   */
  private async putStream(
    blob: BlockBlobClient,
    key: string,
    body: AsyncIterable<Buffer>,
    write: WriteOptions,
    options: PutOptions,
  ): Promise<ObjectInfo> {
    const blockSize = this.settings.blockSize ?? DEFAULT_BLOCK_SIZE;
    const counted = countedBody(body);
    // uploadStream declares no immutabilityPolicy/legalHold, but hands all its options to
    // commitBlockList, which applies them; test/unit/azure-blob-options.test.ts holds it to that.
    const streamOptions: BlockBlobUploadStreamOptions & WriteOptions = write;
    const blocks = () => Math.ceil(counted.size() / blockSize);
    try {
      await blob.uploadStream(
        counted.readable,
        blockSize,
        this.settings.concurrency ?? DEFAULT_CONCURRENCY,
        streamOptions,
      );
    } catch (error) {
      // The blocks read so far were staged or on their way; no block list was committed.
      this.count('put', blocks());
      if (counted.sourceFailed()) throw error;
      throw translateAzureError(error, this.describe(key), key, options);
    } finally {
      // A failed block upload leaves the source paused mid-way; destroying it ends the source too.
      counted.readable.destroy();
    }
    // Staged blocks, then Put Block List.
    this.count('put', blocks() + 1);
    return { key, size: counted.size() };
  }

  private rangeReader(key: string): RangeReader {
    const blob = this.client.getBlobClient(this.blobName(key));
    return async (range, etag) => {
      this.count('get');
      const out = await blob.download(range?.offset ?? 0, range?.length, {
        ...(etag ? { conditions: { ifMatch: etag } } : {}),
        // resumableRead resumes a broken body itself; the SDK's own retries would nest inside it.
        maxRetryRequests: 0,
      });
      const body = (out.readableStreamBody as Readable | undefined) ?? Readable.from([]);
      return { body, etag: out.etag, length: Number(out.contentLength ?? 0) };
    };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    return cloudGet(
      range,
      async () => (await this.head(key)) !== undefined,
      () => new ObjectNotFoundError(key),
      this.rangeReader(key),
      (error) => translateAzureError(error, this.describe(key), key),
    );
  }

  async read(key: string, range: ByteRange): Promise<Buffer> {
    return readToBuffer(await this.get(key, range));
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
