import { Readable } from 'node:stream';

/** What an upload reads ahead of the service: a little, so memory does not follow the pack size. */
const READ_AHEAD_BYTES = 1024 * 1024;

/**
 * A byte stream over an upload body for the SDKs' streamed uploads. Not `Readable.from(iterable)`
 * as is: that is an object stream reading 16 pieces ahead, and a piece here is a record of up to
 * 4 MiB, so each upload held up to 64 MiB before the SDK took any of it.
 */
export function uploadStream(body: AsyncIterable<Buffer>): Readable {
  return Readable.from(body, { objectMode: false, highWaterMark: READ_AHEAD_BYTES });
}
