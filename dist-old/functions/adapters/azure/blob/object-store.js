"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AzureBlobObjectStore = void 0;
const node_stream_1 = require("node:stream");
const errors_1 = require("../../../core/errors");
const resumable_read_1 = require("../../shared/resumable-read");
const object_keys_1 = require("../../shared/object-keys");
const part_buffers_1 = require("../../shared/part-buffers");
const errors_2 = require("./errors");
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
class AzureBlobObjectStore {
    client;
    settings;
    location;
    remote = true;
    base;
    blocks;
    constructor(client, settings) {
        this.client = client;
        this.settings = settings;
        if (!CONTAINER_NAME.test(settings.container))
            throw new errors_1.InputError(`"${settings.container}" is not a valid Azure container name.`, 'Container names are 3-63 characters: lower-case letters, digits and single hyphens.');
        this.base = settings.prefix === '' ? '' : `${settings.prefix.replace(/^\/+|\/+$/g, '')}/`;
        const account = settings.accountName ?? client.accountName;
        this.location = `azure://${account}/${settings.container}/${this.base}`.replace(/\/$/, '');
        this.blocks = new part_buffers_1.PartBuffers(settings.blockSize ?? DEFAULT_BLOCK_SIZE, settings.concurrency ?? DEFAULT_CONCURRENCY);
    }
    blobName(key) {
        (0, object_keys_1.assertValidKey)(key);
        return this.base + key;
    }
    count(kind, n = 1) {
        this.settings.requests?.add(kind, n);
    }
    describe(key) {
        return `${this.location}/${key}`;
    }
    immutabilityPolicy() {
        const lock = this.settings.immutability;
        // The SDK spells the expiry `expiriesOn`; it becomes x-ms-immutability-policy-until-date.
        return lock && { expiriesOn: new Date(Date.now() + lock.days * DAY_MS), policyMode: lock.mode };
    }
    writeOptions(options) {
        const policy = this.immutabilityPolicy();
        return {
            ...(options.createOnly ? { conditions: { ifNoneMatch: '*' } } : {}),
            ...(this.settings.accessTier ? { tier: this.settings.accessTier } : {}),
            ...(policy ? { immutabilityPolicy: policy } : {}),
            ...(this.settings.legalHold ? { legalHold: true } : {}),
        };
    }
    async put(key, body, options = {}) {
        const blob = this.client.getBlockBlobClient(this.blobName(key));
        const write = this.writeOptions(options);
        if (Buffer.isBuffer(body)) {
            this.count('put');
            try {
                await blob.upload(body, body.length, write);
            }
            catch (error) {
                throw (0, errors_2.translateAzureError)(error, this.describe(key), key, options);
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
    async putStream(blob, key, body, write, options) {
        const ids = [];
        const staged = [];
        let stagingFailed = false;
        let size = 0;
        // The body's own failure is not Azure's: it is thrown as it is.
        let sourceFailed = true;
        try {
            const parts = (0, part_buffers_1.partsOf)(body, this.blocks);
            for await (const { buffer, length, last } of parts) {
                if (ids.length === 0 && last) {
                    sourceFailed = false;
                    this.count('put');
                    try {
                        await blob.upload(buffer.subarray(0, length), length, write);
                    }
                    finally {
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
                const stage = blob.stageBlock(id, buffer.subarray(0, length), length).then(() => this.blocks.give(buffer), (error) => {
                    this.blocks.give(buffer);
                    stagingFailed = true;
                    throw error;
                });
                stage.catch(() => undefined);
                staged.push(stage);
            }
            sourceFailed = false;
            await Promise.all(staged);
            this.count('put');
            await blob.commitBlockList(ids, write);
            return { key, size };
        }
        catch (error) {
            // Blocks staged and never committed are discarded by Azure; no blob appears.
            await Promise.allSettled(staged);
            if (sourceFailed && !stagingFailed)
                throw error;
            throw (0, errors_2.translateAzureError)(error, this.describe(key), key, options);
        }
    }
    rangeReader(key) {
        const blob = this.client.getBlobClient(this.blobName(key));
        return async (range, etag) => {
            this.count('get');
            const out = await blob.download(range?.offset ?? 0, range?.length, {
                ...(etag ? { conditions: { ifMatch: etag } } : {}),
                // resumableBody resumes a broken body itself; the SDK's own retries would nest inside it.
                maxRetryRequests: 0,
            });
            const body = out.readableStreamBody ?? node_stream_1.Readable.from([]);
            return { body, etag: out.etag, length: Number(out.contentLength ?? 0) };
        };
    }
    async get(key, range) {
        return node_stream_1.Readable.from(await this.pieces(key, range), { objectMode: false });
    }
    /** An object or range as the pieces it arrives in: read and readInto take them without a stream. */
    pieces(key, range) {
        return (0, resumable_read_1.cloudPieces)(range, async () => (await this.head(key)) !== undefined, () => new errors_1.ObjectNotFoundError(key), this.rangeReader(key), (error) => (0, errors_2.translateAzureError)(error, this.describe(key), key));
    }
    async read(key, range) {
        return (0, resumable_read_1.readToBuffer)(await this.pieces(key, range));
    }
    async readInto(key, range, target) {
        return (0, resumable_read_1.readStreamInto)(await this.pieces(key, range), target);
    }
    async head(key) {
        const blob = this.client.getBlobClient(this.blobName(key));
        this.count('head');
        try {
            const out = await blob.getProperties();
            return { key, size: Number(out.contentLength ?? 0) };
        }
        catch (error) {
            const translated = (0, errors_2.translateAzureError)(error, this.describe(key), key);
            if (translated instanceof errors_1.ObjectNotFoundError)
                return undefined;
            throw translated;
        }
    }
    async *list(prefix) {
        const pages = this.client
            .listBlobsFlat({ prefix: this.base + prefix })
            .byPage({ maxPageSize: this.settings.listPageSize });
        for (;;) {
            const page = await this.nextPage(pages);
            if (!page)
                return;
            for (const item of page.segment.blobItems)
                yield {
                    key: item.name.slice(this.base.length),
                    size: Number(item.properties.contentLength ?? 0),
                    ...(item.properties.accessTier ? { storageClass: item.properties.accessTier } : {}),
                };
        }
    }
    /** One list request (the pager asks for the next page only when the previous one had a marker). */
    async nextPage(pages) {
        let next;
        try {
            next = await pages.next();
        }
        catch (error) {
            this.count('list');
            throw (0, errors_2.translateAzureError)(error, this.location);
        }
        if (next.done)
            return undefined;
        this.count('list');
        return next.value;
    }
    async delete(key) {
        const blob = this.client.getBlobClient(this.blobName(key));
        this.count('delete');
        try {
            // deleteIfExists answers a missing blob (BlobNotFound) with succeeded: false, not an error.
            await blob.deleteIfExists();
        }
        catch (error) {
            throw (0, errors_2.translateAzureError)(error, this.describe(key), key);
        }
    }
}
exports.AzureBlobObjectStore = AzureBlobObjectStore;
//# sourceMappingURL=object-store.js.map