"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Worker-thread entry (see restore-workers.ts): verifies records read from packs and writes them
 * into files, with synchronous system calls (a small file costs a handful of them; through the
 * libuv pool each would cost a round trip). Files arrive in pieces, in order, always to the same
 * worker; a file is created by its first piece and finished (size, mode, owner, times) by its last.
 */
const node_fs_1 = require("node:fs");
const node_worker_threads_1 = require("node:worker_threads");
const crypto_1 = require("../../repository/crypto");
const verify_record_1 = require("../../repository/verify-record");
const young_gc_1 = require("../../repository/young-gc");
const restore_batch_1 = require("./restore-batch");
const zeros_1 = require("./zeros");
const nano_times_1 = require("./nano-times");
const young_generation_1 = require("../../core/young-generation");
function main() {
    (0, young_generation_1.capYoungGeneration)(); // again: making this thread's isolate undid it
    const port = node_worker_threads_1.parentPort;
    if (!port)
        return;
    const setup = node_worker_threads_1.workerData;
    const hasher = new crypto_1.ChunkIdHasher(Buffer.from(setup.idKey));
    const open = new Map();
    const failedFiles = new Set();
    const zeroChunks = new Set();
    const uid = process.getuid?.();
    const gid = process.getgid?.();
    const gc = new young_gc_1.YoungGcPacer(8 * 1024 * 1024);
    const abandon = (fid) => {
        const file = open.get(fid);
        open.delete(fid);
        failedFiles.add(fid);
        if (!file)
            return;
        try {
            (0, node_fs_1.closeSync)(file.fd);
        }
        catch {
            // already closed
        }
        (0, node_fs_1.rmSync)(file.tmp ?? file.path, { force: true });
    };
    // One entry object serves every chunk: verifyRecord reads it and keeps nothing of it.
    const entry = {
        id: Buffer.alloc(crypto_1.CHUNK_ID_BYTES),
        offset: 0,
        storedLength: 0,
        rawLength: 0,
        codec: 0,
    };
    port.on('message', (batch) => {
        const reply = { seq: batch.seq, finished: [], failed: [] };
        const ranges = batch.ranges.map((r) => ({
            ...r,
            bytes: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength),
            header: { packId: Buffer.from(r.packId), key: { key: Buffer.from(r.key) } },
        }));
        const p = batch.pieces;
        const c = batch.chunks;
        const ids = Buffer.from(batch.ids.buffer, batch.ids.byteOffset, batch.ids.byteLength);
        const paths = batch.paths.split('\0');
        let nextPath = 0;
        let nextChunk = 0;
        for (let at = 0; at < p.length; at += restore_batch_1.PIECE_FIELDS) {
            const fid = p[at + restore_batch_1.Piece.fid];
            const flags = p[at + restore_batch_1.Piece.flags];
            const firstChunk = nextChunk;
            nextChunk += p[at + restore_batch_1.Piece.chunks];
            const startPath = flags & restore_batch_1.PieceFlag.starts ? paths[nextPath++] : undefined;
            if (failedFiles.has(fid))
                continue;
            if (flags & restore_batch_1.PieceFlag.abandon) {
                abandon(fid);
                continue;
            }
            try {
                let file = open.get(fid);
                if (startPath !== undefined) {
                    const path = Buffer.from(startPath, 'latin1');
                    // A replacement is written beside the old entry and renamed over it at the end, so the
                    // old file stays whole until the new one is.
                    const dir = path.subarray(0, path.lastIndexOf(0x2f) + 1);
                    const tmp = flags & restore_batch_1.PieceFlag.replace
                        ? Buffer.concat([dir, Buffer.from(`.lifeboat-${process.pid}-${fid}.tmp`)])
                        : undefined;
                    const openFlags = node_fs_1.constants.O_WRONLY | node_fs_1.constants.O_CREAT | node_fs_1.constants.O_EXCL | node_fs_1.constants.O_NOFOLLOW;
                    // Created with its permissions (not setuid/setgid/sticky, which only chmod sets).
                    const mode = p[at + restore_batch_1.Piece.mode] & 0o777;
                    file = { fd: (0, node_fs_1.openSync)(tmp ?? path, openFlags, mode), position: 0, end: 0, mode, path, tmp };
                    open.set(fid, file);
                }
                if (!file)
                    throw new Error('piece of a file that was not started');
                for (let k = firstChunk; k < nextChunk; k++) {
                    const ck = k * restore_batch_1.CHUNK_FIELDS;
                    const r = ranges[c[ck + restore_batch_1.Chunk.range]];
                    entry.offset = c[ck + restore_batch_1.Chunk.offset];
                    entry.storedLength = c[ck + restore_batch_1.Chunk.storedLength];
                    entry.rawLength = c[ck + restore_batch_1.Chunk.rawLength];
                    entry.codec = c[ck + restore_batch_1.Chunk.codec];
                    ids.copy(entry.id, 0, k * crypto_1.CHUNK_ID_BYTES, (k + 1) * crypto_1.CHUNK_ID_BYTES);
                    if (zeroChunks.size > 0 && zeroChunks.has(entry.id.toString('latin1'))) {
                        file.position += entry.rawLength;
                        continue;
                    }
                    const record = r.bytes.subarray(entry.offset - r.start, entry.offset - r.start + entry.storedLength);
                    // Decoded into the thread's scratch buffer: written at once, never kept.
                    const checked = (0, verify_record_1.verifyRecord)(r.header, entry, record, hasher, true);
                    if (checked.problem !== undefined) {
                        const problem = `${r.object} at offset ${entry.offset}: ${checked.problem}`;
                        throw Object.assign(new Error(problem), { integrity: true });
                    }
                    // Runs of zeros (sparse files, disk images) become holes: nothing is written.
                    if ((0, zeros_1.isZero)(checked.data))
                        zeroChunks.add(entry.id.toString('latin1'));
                    else {
                        (0, node_fs_1.writeSync)(file.fd, checked.data, 0, checked.data.length, file.position);
                        file.end = file.position + checked.data.length;
                    }
                    file.position += checked.data.length;
                    gc.add(record.length); // the decrypted copy is the garbage now, not the decoded data
                }
                if (flags & restore_batch_1.PieceFlag.finish) {
                    const size = p[at + restore_batch_1.Piece.size];
                    const mode = p[at + restore_batch_1.Piece.finishMode];
                    if (file.position !== size)
                        throw Object.assign(new Error(`chunks hold ${file.position} bytes, the file ${size}`), {
                            integrity: true,
                        });
                    if (file.end < size)
                        (0, node_fs_1.ftruncateSync)(file.fd, size);
                    if (flags & restore_batch_1.PieceFlag.owner) {
                        const fileUid = p[at + restore_batch_1.Piece.uid];
                        const fileGid = p[at + restore_batch_1.Piece.gid];
                        if (fileUid !== uid || fileGid !== gid)
                            (0, node_fs_1.fchownSync)(file.fd, fileUid, fileGid);
                    }
                    if (mode !== (file.mode & ~setup.umask))
                        (0, node_fs_1.fchmodSync)(file.fd, mode);
                    (0, nano_times_1.setFileTimes)(file.fd, { seconds: p[at + restore_batch_1.Piece.mtimeSeconds], nanos: p[at + restore_batch_1.Piece.mtimeNanos] });
                    (0, node_fs_1.closeSync)(file.fd);
                    if (file.tmp)
                        (0, node_fs_1.renameSync)(file.tmp, file.path);
                    open.delete(fid);
                    reply.finished.push({ fid, bytes: size });
                }
            }
            catch (error) {
                const e = error;
                abandon(fid);
                reply.failed.push({
                    fid,
                    problem: e.code ? `${e.code}: ${e.message}` : e.message,
                    integrity: e.integrity === true,
                });
            }
            // A piece's objects and system calls leave garbage too: a little. Counted as 256 KiB, the
            // forced collections cost 0.5 s of a 6.5 s restore of the Linux tree, for no less memory.
            gc.add(16 * 1024);
        }
        port.postMessage(reply);
    });
}
main();
//# sourceMappingURL=restore-worker.js.map