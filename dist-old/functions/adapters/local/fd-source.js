"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.readReusing = readReusing;
const node_fs_1 = require("node:fs");
const node_util_1 = require("node:util");
const readAsync = (0, node_util_1.promisify)(node_fs_1.read);
/**
 * Reads a file descriptor (a file or a pipe) through one reused buffer. Each yielded buffer is
 * valid only until the next one is requested: for consumers that copy at once, like the chunker.
 * A stream would allocate a fresh buffer per read, and those pile up as garbage faster than V8
 * collects them.
 */
async function* readReusing(fd, bufferBytes = 1024 * 1024) {
    const buffer = Buffer.allocUnsafe(bufferBytes);
    for (;;) {
        const { bytesRead } = await readAsync(fd, buffer, 0, bufferBytes, null);
        if (bytesRead === 0)
            return;
        yield buffer.subarray(0, bytesRead);
    }
}
//# sourceMappingURL=fd-source.js.map