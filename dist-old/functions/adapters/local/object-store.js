"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.LocalObjectStore = void 0;
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const fs = __importStar(require("node:fs/promises"));
const path = __importStar(require("node:path"));
const node_stream_1 = require("node:stream");
const node_util_1 = require("node:util");
const errors_1 = require("../../core/errors");
const object_store_1 = require("../../core/ports/object-store");
/** Temporary files live inside the store so that rename and link stay on one filesystem. */
const TMP_DIR = '.tmp';
// Not `instanceof Error`: system errors may come from another realm (a jest VM context, a worker).
function errno(error) {
    return typeof error === 'object' && error !== null && 'code' in error
        ? String(error.code)
        : undefined;
}
/**
 * An object store in a local directory. Writes go to a temporary file that is fsynced and then
 * renamed (or hard-linked, for create-only puts, which fails atomically if the name exists), and
 * the directory is fsynced, so a crash leaves either the old state or the complete new object.
 */
const WRITE_BATCH_BYTES = 1024 * 1024;
// Plain descriptors for ranged reads, not FileHandles: a restore makes them by the thousand (every
// tree, content list and batch), and a FileHandle's making and finalising showed in its profile.
const openFd = (0, node_util_1.promisify)(node_fs_1.open);
const readFd = (0, node_util_1.promisify)(node_fs_1.read);
const closeFd = (0, node_util_1.promisify)(node_fs_1.close);
class LocalObjectStore {
    root;
    location;
    constructor(root) {
        this.root = root;
        this.location = path.resolve(root);
    }
    pathOf(key) {
        if (key === '' ||
            key.startsWith('/') ||
            key.split('/').some((p) => p === '..' || p === '.' || p === '')) {
            throw new errors_1.InputError(`Invalid object key "${key}".`);
        }
        return path.join(this.location, ...key.split('/'));
    }
    translate(error, where) {
        switch (errno(error)) {
            case 'EACCES':
            case 'EPERM':
            case 'EROFS':
                return new errors_1.StoragePermissionError(where, error);
            case 'ENOSPC':
            case 'EDQUOT':
                return new errors_1.StorageFullError(where, error);
            default:
                return error;
        }
    }
    async put(key, body, options = {}) {
        const dest = this.pathOf(key);
        const tmpDir = path.join(this.location, TMP_DIR);
        const tmp = path.join(tmpDir, `${(0, node_crypto_1.randomBytes)(12).toString('hex')}.tmp`);
        let size = 0;
        try {
            await fs.mkdir(tmpDir, { recursive: true });
            const handle = await fs.open(tmp, 'wx', 0o600);
            try {
                if (Buffer.isBuffer(body)) {
                    await handle.writeFile(body);
                    size = body.length;
                }
                else {
                    // Small pieces (a pack's records) are gathered into writes of about 1 MiB: one system
                    // call per record would cost more than the data.
                    let batch = [];
                    let batchBytes = 0;
                    for await (const pieces of (0, object_store_1.bodyBatches)(body, WRITE_BATCH_BYTES)) {
                        for (const piece of pieces) {
                            batch.push(piece);
                            batchBytes += piece.length;
                        }
                        if (batchBytes >= WRITE_BATCH_BYTES) {
                            await handle.writev(batch);
                            (0, object_store_1.piecesConsumed)(body, batch);
                            size += batchBytes;
                            batch = [];
                            batchBytes = 0;
                        }
                    }
                    if (batch.length > 0) {
                        await handle.writev(batch);
                        (0, object_store_1.piecesConsumed)(body, batch);
                    }
                    size += batchBytes;
                }
                await handle.sync();
            }
            finally {
                await handle.close();
            }
            await fs.mkdir(path.dirname(dest), { recursive: true });
            if (options.createOnly) {
                try {
                    await fs.link(tmp, dest);
                }
                catch (error) {
                    if (errno(error) === 'EEXIST')
                        throw new errors_1.ObjectExistsError(key);
                    throw error;
                }
                await fs.unlink(tmp);
            }
            else {
                await fs.rename(tmp, dest);
            }
            await this.syncDirectory(path.dirname(dest));
        }
        catch (error) {
            await fs.rm(tmp, { force: true }).catch(() => undefined);
            if (error instanceof errors_1.LifeboatError)
                throw error;
            throw this.translate(error, this.location);
        }
        return { key, size };
    }
    async syncDirectory(dir) {
        const handle = await fs.open(dir, 'r');
        try {
            await handle.sync();
        }
        finally {
            await handle.close();
        }
    }
    /**
     * Opens an object with `opener` (a FileHandle for streams, a plain descriptor for ranges), first,
     * so that a missing object is reported as such, not as a stream error later.
     */
    async openForReading(key, opener) {
        const file = this.pathOf(key);
        try {
            return await opener(file);
        }
        catch (error) {
            if (errno(error) === 'ENOENT')
                throw new errors_1.ObjectNotFoundError(key);
            throw this.translate(error, file);
        }
    }
    async get(key, range) {
        const handle = await this.openForReading(key, (file) => fs.open(file, 'r'));
        if (range && range.length === 0) {
            await handle.close();
            return node_stream_1.Readable.from([]);
        }
        return (0, node_fs_1.createReadStream)('', {
            fd: handle,
            start: range?.offset,
            end: range ? range.offset + range.length - 1 : undefined,
            highWaterMark: 1024 * 1024,
        });
    }
    async read(key, range) {
        const buffer = Buffer.allocUnsafe(range.length);
        const filled = await this.readInto(key, range, buffer);
        return filled === range.length ? buffer : buffer.subarray(0, filled);
    }
    async readInto(key, range, target) {
        if (target.length < range.length)
            throw new RangeError(`a ${target.length}-byte buffer for ${range.length} bytes`);
        const fd = await this.openForReading(key, (file) => openFd(file, 'r'));
        try {
            let filled = 0;
            while (filled < range.length) {
                const { bytesRead } = await readFd(fd, target, filled, range.length - filled, range.offset + filled);
                if (bytesRead === 0)
                    break;
                filled += bytesRead;
            }
            return filled;
        }
        finally {
            await closeFd(fd);
        }
    }
    async head(key) {
        try {
            const stat = await fs.stat(this.pathOf(key));
            return stat.isFile() ? { key, size: stat.size } : undefined;
        }
        catch (error) {
            if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR')
                return undefined;
            throw this.translate(error, path.join(this.location, key));
        }
    }
    async *list(prefix) {
        // Walk from the deepest directory the prefix names, then filter by the full prefix.
        if (prefix === TMP_DIR || prefix.startsWith(`${TMP_DIR}/`))
            return;
        const slash = prefix.lastIndexOf('/');
        const dirKey = slash >= 0 ? prefix.slice(0, slash) : '';
        yield* this.walk(dirKey, prefix);
    }
    async *walk(dirKey, prefix) {
        const dir = dirKey === '' ? this.location : this.pathOf(dirKey);
        let entries;
        try {
            entries = await fs.readdir(dir, { withFileTypes: true });
        }
        catch (error) {
            if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR')
                return;
            throw this.translate(error, dir);
        }
        for (const entry of entries) {
            const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
            if (dirKey === '' && entry.name === TMP_DIR)
                continue;
            if (entry.isDirectory()) {
                if (key.startsWith(prefix) || prefix.startsWith(`${key}/`))
                    yield* this.walk(key, prefix);
            }
            else if (entry.isFile() && key.startsWith(prefix)) {
                const stat = await fs.stat(path.join(dir, entry.name));
                yield { key, size: stat.size };
            }
        }
    }
    async delete(key) {
        try {
            await fs.rm(this.pathOf(key), { force: true });
        }
        catch (error) {
            throw this.translate(error, path.join(this.location, key));
        }
    }
}
exports.LocalObjectStore = LocalObjectStore;
//# sourceMappingURL=object-store.js.map