import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type ObjectLockMode,
  type PutObjectCommandInput,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
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
import { PartBuffers } from '../../shared/part-buffers';
import type { RequestCounter, RequestKind } from '../../shared/request-counter';
import { translateS3Error } from './errors';
import { uploadObject } from './multipart';

/** Immutability for every object written: S3 Object Lock retention until now + days. */
export interface ObjectLockSettings {
  mode: ObjectLockMode;
  days: number;
}

export interface S3StoreSettings {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash ('' for the bucket root). */
  prefix: string;
  /** An S3 storage class name (validated where the URL is parsed). */
  storageClass?: string;
  /** SSE-KMS key (id, alias or ARN) on top of Lifeboat's own encryption; 'aws/s3' for the managed key. */
  sseKmsKeyId?: string;
  objectLock?: ObjectLockSettings;
  /** Multipart part size (S3's minimum is 5 MiB). */
  partSize?: number;
  /** Parts in flight over all uploads at once: the store's upload memory is partSize × queueSize. */
  queueSize?: number;
  /** Objects per list request (S3's maximum is 1000). */
  listPageSize?: number;
  /** Counts requests by kind so that a backup can report them (`lifeboat cost`). */
  requests?: RequestCounter;
}

const DEFAULT_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_QUEUE_SIZE = 4;

/**
 * A repository in an S3 bucket (or an S3-compatible store). Puts are atomic by S3's nature: a
 * single PUT, or a multipart upload that becomes visible only when completed (and is aborted on
 * failure). Create-only puts send If-None-Match: *, which S3 enforces on PUT and on
 * CompleteMultipartUpload. Every upload carries a SHA-256 checksum that S3 verifies.
 */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  readonly remote = true;
  private readonly base: string;
  private readonly parts: PartBuffers;

  constructor(
    private readonly client: S3Client,
    private readonly settings: S3StoreSettings,
  ) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(settings.bucket))
      throw new InputError(
        `"${settings.bucket}" is not a valid S3 bucket name.`,
        'Bucket names are 3-63 characters: lower-case letters, digits, dots and hyphens.',
      );
    this.base = settings.prefix === '' ? '' : `${settings.prefix.replace(/^\/+|\/+$/g, '')}/`;
    this.location = `s3://${settings.bucket}/${this.base}`.replace(/\/$/, '');
    this.parts = new PartBuffers(
      settings.partSize ?? DEFAULT_PART_SIZE,
      settings.queueSize ?? DEFAULT_QUEUE_SIZE,
    );
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.base + key;
  }

  private count(kind: RequestKind, n = 1): void {
    this.settings.requests?.add(kind, n);
  }

  private writeParams(key: string, options: PutOptions): PutObjectCommandInput {
    const lock = this.settings.objectLock;
    return {
      Bucket: this.settings.bucket,
      Key: this.objectKey(key),
      ChecksumAlgorithm: 'SHA256',
      ...(options.createOnly ? { IfNoneMatch: '*' } : {}),
      ...(this.settings.storageClass ? { StorageClass: this.settings.storageClass as StorageClass } : {}),
      ...(this.settings.sseKmsKeyId
        ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.settings.sseKmsKeyId }
        : {}),
      ...(lock
        ? {
            ObjectLockMode: lock.mode,
            ObjectLockRetainUntilDate: new Date(Date.now() + lock.days * 86_400_000),
          }
        : {}),
    };
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
    const params = this.writeParams(key, options);
    try {
      if (Buffer.isBuffer(body)) {
        this.count('put');
        await this.client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: body.length }));
        return { key, size: body.length };
      }
      const { size, requests } = await uploadObject(this.client, params, body, this.parts);
      this.count('put', requests);
      return { key, size };
    } catch (error) {
      throw translateS3Error(error, this.describe(key), key, { createOnly: options.createOnly });
    }
  }

  private describe(key: string): string {
    return `${this.location}/${key}`;
  }

  private rangeReader(key: string): RangeReader {
    return async (range, etag) => {
      this.count('get');
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucket,
          Key: this.objectKey(key),
          ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
          ...(etag ? { IfMatch: etag } : {}),
        }),
      );
      return { body: out.Body as Readable, etag: out.ETag, length: Number(out.ContentLength ?? 0) };
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
      (error) => translateS3Error(error, this.describe(key), key),
    );
  }

  async read(key: string, range: ByteRange): Promise<Buffer> {
    return readToBuffer(await this.pieces(key, range));
  }

  async readInto(key: string, range: ByteRange, target: Uint8Array): Promise<number> {
    return readStreamInto(await this.pieces(key, range), target);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    this.count('head');
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
      );
      return { key, size: Number(out.ContentLength ?? 0) };
    } catch (error) {
      const translated = translateS3Error(error, this.describe(key), key);
      if (translated instanceof ObjectNotFoundError) return undefined;
      throw translated;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      this.count('list');
      let out;
      try {
        out = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.settings.bucket,
            Prefix: this.base + prefix,
            ContinuationToken: token,
            MaxKeys: this.settings.listPageSize,
          }),
        );
      } catch (error) {
        throw translateS3Error(error, this.location);
      }
      for (const item of out.Contents ?? []) {
        if (item.Key === undefined) continue;
        yield {
          key: item.Key.slice(this.base.length),
          size: Number(item.Size ?? 0),
          ...(item.StorageClass ? { storageClass: item.StorageClass } : {}),
        };
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    this.count('delete');
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
      );
    } catch (error) {
      const translated = translateS3Error(error, this.describe(key), key);
      if (translated instanceof ObjectNotFoundError) return;
      throw translated;
    }
  }
}
