"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.uploadObject = uploadObject;
const client_s3_1 = require("@aws-sdk/client-s3");
const part_buffers_1 = require("../../shared/part-buffers");
/**
 * Uploads a stream as one object: a single PUT when it fits in one part, else a multipart upload
 * that becomes visible only when completed (and is aborted on failure). Parts are cut into the
 * store's shared buffers (part-buffers.ts), so memory is bounded by the pool, not by this upload.
 * Each part carries its SHA-256, which S3 verifies; the SDK retries a failed request.
 */
async function uploadObject(client, params, body, buffers) {
    const parts = (0, part_buffers_1.partsOf)(body, buffers);
    const first = await parts.next();
    if (first.done)
        throw new Error('no part');
    const { buffer, length, last } = first.value;
    if (last) {
        try {
            await client.send(new client_s3_1.PutObjectCommand({ ...params, Body: buffer.subarray(0, length), ContentLength: length }));
        }
        finally {
            buffers.give(buffer);
        }
        return { size: length, requests: 1 };
    }
    const { Bucket, Key, IfNoneMatch, Body: _body, ContentLength: _length, ...createParams } = params;
    let uploadId;
    const sent = [];
    let failure;
    let size = 0;
    try {
        const created = await client.send(new client_s3_1.CreateMultipartUploadCommand({ Bucket, Key, ...createParams }));
        uploadId = created.UploadId;
        if (!uploadId)
            throw new Error('S3 returned no upload id');
        const send = (part, partNumber) => client
            .send(new client_s3_1.UploadPartCommand({
            Bucket,
            Key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: part.buffer.subarray(0, part.length),
            ContentLength: part.length,
            ChecksumAlgorithm: params.ChecksumAlgorithm,
        }))
            .then((out) => ({ PartNumber: partNumber, ETag: out.ETag, ChecksumSHA256: out.ChecksumSHA256 }), (error) => {
            failure ??= error;
            throw error;
        })
            .finally(() => buffers.give(part.buffer));
        const track = (promise) => {
            promise.catch(() => undefined);
            sent.push(promise);
        };
        size += length;
        track(send(first.value, 1));
        // Parts are read while earlier ones are in flight; taking a buffer waits for one to be sent.
        for await (const part of parts) {
            if (failure) {
                buffers.give(part.buffer);
                break;
            }
            size += part.length;
            track(send(part, sent.length + 1));
        }
        const completed = await Promise.all(sent);
        await client.send(new client_s3_1.CompleteMultipartUploadCommand({
            Bucket,
            Key,
            UploadId: uploadId,
            MultipartUpload: { Parts: completed },
            ...(IfNoneMatch ? { IfNoneMatch } : {}),
        }));
        return { size, requests: completed.length + 2 };
    }
    catch (error) {
        await Promise.allSettled(sent);
        if (uploadId) {
            // Best effort: a failed abort leaves parts that a lifecycle rule removes; the object never appears.
            await client
                .send(new client_s3_1.AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId }))
                .catch(() => undefined);
        }
        throw error;
    }
}
//# sourceMappingURL=multipart.js.map