import { Readable } from 'node:stream';

/** What an upload reads ahead of the service: a little, so memory does not follow the pack size. */
const READ_AHEAD_BYTES = 1024 * 1024;

/**
 * A byte stream over an upload body for the SDKs' streamed uploads, with its read-ahead bounded
 * in bytes (an object stream bounds it in pieces, and a piece here is a record of up to 4 MiB).
 * Measured: peak RSS did not change with it; the upload buffers of the SDKs (part size × parts
 * in flight × uploads in flight) are what costs memory (docs/BENCHMARKS.md).
 */
export function uploadStream(body: AsyncIterable<Buffer>): Readable {
  return Readable.from(body, { objectMode: false, highWaterMark: READ_AHEAD_BYTES });
}
