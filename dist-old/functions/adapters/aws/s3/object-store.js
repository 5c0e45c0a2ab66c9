"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.S3ObjectStore = void 0;
const client_s3_1 = require("@aws-sdk/client-s3");
const node_stream_1 = require("node:stream");
const errors_1 = require("../../../core/errors");
const resumable_read_1 = require("../../shared/resumable-read");
const object_keys_1 = require("../../shared/object-keys");
const part_buffers_1 = require("../../shared/part-buffers");
const errors_2 = require("./errors");
const multipart_1 = require("./multipart");
const DEFAULT_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_QUEUE_SIZE = 4;
/**
 * A repository in an S3 bucket (or an S3-compatible store). Puts are atomic by S3's nature: a
 * single PUT, or a multipart upload that becomes visible only when completed (and is aborted on
 * failure). Create-only puts send If-None-Match: *, which S3 enforces on PUT and on
 * CompleteMultipartUpload. Every upload carries a SHA-256 checksum that S3 verifies.
 */
class S3ObjectStore {
    client;
    settings;
    location;
    remote = true;
    base;
    parts;
    constructor(client, settings) {
        this.client = client;
        this.settings = settings;
        if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(settings.bucket))
            throw new errors_1.InputError(`"${settings.bucket}" is not a valid S3 bucket name.`, 'Bucket names are 3-63 characters: lower-case letters, digits, dots and hyphens.');
        this.base = settings.prefix === '' ? '' : `${settings.prefix.replace(/^\/+|\/+$/g, '')}/`;
        this.location = `s3://${settings.bucket}/${this.base}`.replace(/\/$/, '');
        this.parts = new part_buffers_1.PartBuffers(settings.partSize ?? DEFAULT_PART_SIZE, settings.queueSize ?? DEFAULT_QUEUE_SIZE);
    }
    objectKey(key) {
        (0, object_keys_1.assertValidKey)(key);
        return this.base + key;
    }
    count(kind, n = 1) {
        this.settings.requests?.add(kind, n);
    }
    writeParams(key, options) {
        const lock = this.settings.objectLock;
        return {
            Bucket: this.settings.bucket,
            Key: this.objectKey(key),
            ChecksumAlgorithm: 'SHA256',
            ...(options.createOnly ? { IfNoneMatch: '*' } : {}),
            ...(this.settings.storageClass ? { StorageClass: this.settings.storageClass } : {}),
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
    async put(key, body, options = {}) {
        const params = this.writeParams(key, options);
        try {
            if (Buffer.isBuffer(body)) {
                this.count('put');
                await this.client.send(new client_s3_1.PutObjectCommand({ ...params, Body: body, ContentLength: body.length }));
                return { key, size: body.length };
            }
            const { size, requests } = await (0, multipart_1.uploadObject)(this.client, params, body, this.parts);
            this.count('put', requests);
            return { key, size };
        }
        catch (error) {
            throw (0, errors_2.translateS3Error)(error, this.describe(key), key, { createOnly: options.createOnly });
        }
    }
    describe(key) {
        return `${this.location}/${key}`;
    }
    rangeReader(key) {
        return async (range, etag) => {
            this.count('get');
            const out = await this.client.send(new client_s3_1.GetObjectCommand({
                Bucket: this.settings.bucket,
                Key: this.objectKey(key),
                ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
                ...(etag ? { IfMatch: etag } : {}),
            }));
            return { body: out.Body, etag: out.ETag, length: Number(out.ContentLength ?? 0) };
        };
    }
    async get(key, range) {
        return node_stream_1.Readable.from(await this.pieces(key, range), { objectMode: false });
    }
    /** An object or range as the pieces it arrives in: read and readInto take them without a stream. */
    pieces(key, range) {
        return (0, resumable_read_1.cloudPieces)(range, async () => (await this.head(key)) !== undefined, () => new errors_1.ObjectNotFoundError(key), this.rangeReader(key), (error) => (0, errors_2.translateS3Error)(error, this.describe(key), key));
    }
    async read(key, range) {
        return (0, resumable_read_1.readToBuffer)(await this.pieces(key, range));
    }
    async readInto(key, range, target) {
        return (0, resumable_read_1.readStreamInto)(await this.pieces(key, range), target);
    }
    async head(key) {
        this.count('head');
        try {
            const out = await this.client.send(new client_s3_1.HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
            return { key, size: Number(out.ContentLength ?? 0) };
        }
        catch (error) {
            const translated = (0, errors_2.translateS3Error)(error, this.describe(key), key);
            if (translated instanceof errors_1.ObjectNotFoundError)
                return undefined;
            throw translated;
        }
    }
    async *list(prefix) {
        let token;
        do {
            this.count('list');
            let out;
            try {
                out = await this.client.send(new client_s3_1.ListObjectsV2Command({
                    Bucket: this.settings.bucket,
                    Prefix: this.base + prefix,
                    ContinuationToken: token,
                    MaxKeys: this.settings.listPageSize,
                }));
            }
            catch (error) {
                throw (0, errors_2.translateS3Error)(error, this.location);
            }
            for (const item of out.Contents ?? []) {
                if (item.Key === undefined)
                    continue;
                yield {
                    key: item.Key.slice(this.base.length),
                    size: Number(item.Size ?? 0),
                    ...(item.StorageClass ? { storageClass: item.StorageClass } : {}),
                };
            }
            token = out.IsTruncated ? out.NextContinuationToken : undefined;
        } while (token);
    }
    async delete(key) {
        this.count('delete');
        try {
            await this.client.send(new client_s3_1.DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
        }
        catch (error) {
            const translated = (0, errors_2.translateS3Error)(error, this.describe(key), key);
            if (translated instanceof errors_1.ObjectNotFoundError)
                return;
            throw translated;
        }
    }
}
exports.S3ObjectStore = S3ObjectStore;
//# sourceMappingURL=object-store.js.map