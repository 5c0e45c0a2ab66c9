"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.resumableBody = resumableBody;
exports.cloudPieces = cloudPieces;
exports.readStreamInto = readStreamInto;
exports.readToBuffer = readToBuffer;
const node_stream_1 = require("node:stream");
const promises_1 = require("node:timers/promises");
const errors_1 = require("../../core/errors");
const RESUME_ATTEMPTS = 5;
/**
 * A download that survives a dropped connection: when the body fails or ends early, the rest is
 * requested again from where it stopped, pinned to the same version, a few times with backoff.
 * SDK retries cover a request that fails before its body starts; this covers the body itself,
 * which for a 32 MiB pack is most of the time a GET is exposed to the network. The body comes as
 * the pieces it arrives in; stopping early (a break out of for await) closes the response.
 */
async function resumableBody(read, range, translate) {
    let first;
    try {
        first = await read(range);
    }
    catch (error) {
        throw translate(error);
    }
    const start = range?.offset ?? 0;
    const total = first.length;
    async function* body() {
        let current = first;
        let delivered = 0;
        let failures = 0;
        try {
            for (;;) {
                try {
                    for await (const piece of current.body) {
                        delivered += piece.length;
                        yield piece;
                    }
                    if (delivered >= total)
                        return;
                    throw new Error(`the response ended after ${delivered} of ${total} bytes`);
                }
                catch (error) {
                    current.body.destroy?.();
                    if (error instanceof errors_1.LifeboatError || ++failures > RESUME_ATTEMPTS)
                        throw translate(error);
                    await (0, promises_1.setTimeout)(100 * 2 ** failures);
                    try {
                        current = await read({ offset: start + delivered, length: total - delivered }, first.etag);
                    }
                    catch (retryError) {
                        throw translate(retryError);
                    }
                }
            }
        }
        finally {
            if (delivered < total)
                current.body.destroy?.();
        }
    }
    return body();
}
/**
 * The pieces of a cloud store's object or range. HTTP cannot ask for zero bytes, so a zero-length
 * range only checks that the object exists; anything else is a resumable download.
 */
async function cloudPieces(range, exists, notFound, read, translate) {
    if (range && range.length === 0) {
        if (!(await exists()))
            throw notFound();
        return node_stream_1.Readable.from([]);
    }
    return resumableBody(read, range, translate);
}
/**
 * A bounded range copied into the caller's buffer piece by piece as it arrives (no buffer of its
 * own, and no stream in between: each layer costs objects per piece on the reading thread).
 */
async function readStreamInto(pieces, target) {
    let filled = 0;
    for await (const bytes of pieces) {
        // Leaving the loop closes the body (see resumableBody).
        if (filled + bytes.length > target.length)
            throw new RangeError(`a ${target.length}-byte buffer is too small for the range read`);
        target.set(bytes, filled);
        filled += bytes.length;
    }
    return filled;
}
/** A bounded range (a record, a header) in one buffer. */
async function readToBuffer(pieces) {
    const parts = [];
    for await (const part of pieces)
        parts.push(part);
    return Buffer.concat(parts);
}
//# sourceMappingURL=resumable-read.js.map