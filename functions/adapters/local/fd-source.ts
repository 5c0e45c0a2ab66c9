import { read } from 'node:fs';
import { promisify } from 'node:util';

const readAsync = promisify(read);

/**
 * Reads a file descriptor (a file or a pipe) through one reused buffer. Each yielded buffer is
 * valid only until the next one is requested: for consumers that copy at once, like the chunker.
 * A stream would allocate a fresh buffer per read, and those pile up as garbage faster than V8
 * collects them.
 */
export async function* readReusing(fd: number, bufferBytes = 1024 * 1024): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(bufferBytes);
  for (;;) {
    const { bytesRead } = await readAsync(fd, buffer, 0, bufferBytes, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}
