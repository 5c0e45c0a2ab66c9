"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ArchiveScanner = void 0;
const node_crypto_1 = require("node:crypto");
const errors_1 = require("../../core/errors");
const drivers_1 = require("../database/drivers");
/** mongodump --archive starts with this number (little-endian). */
const MAGIC = 0x8199e26d;
const TERMINATOR = 0xffffffff;
/** BSON documents are at most 16 MiB; a block header is small. */
const MAX_DOCUMENT = 16 * 1024 * 1024 + 1024;
/**
 * Reads a mongodump archive as it streams past, without storing it: the collections it holds,
 * and per collection the number of documents and the sum of the first 64 bits of each
 * document's MD5 (over its BSON bytes, which mongorestore and mongodump keep as they are). A
 * restored database dumped again gives the same figures when it holds the same documents.
 *
 * Layout (mongo-tools, archive/): magic, a header document, collection metadata documents, a
 * terminator; then blocks of a namespace header {db, collection, EOF, CRC}, documents of that
 * namespace, a terminator.
 */
class ArchiveScanner {
    pending = [];
    pendingLength = 0;
    state = 'magic';
    namespace;
    namespaceEnded = false;
    tallies = new Map();
    namespaces = new Set();
    toolVersion;
    serverVersion;
    push(data) {
        this.pending.push(data);
        this.pendingLength += data.length;
        let buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
        let offset = 0;
        while (buf.length - offset >= 4) {
            const length = buf.readUInt32LE(offset);
            if (this.state === 'magic') {
                if (length !== MAGIC)
                    throw this.invalid('it does not start with the archive magic number');
                offset += 4;
                this.state = 'header';
                continue;
            }
            if (length === TERMINATOR) {
                offset += 4;
                this.terminator();
                continue;
            }
            if (length < 5 || length > MAX_DOCUMENT)
                throw this.invalid(`a record claims ${length} bytes`);
            if (buf.length - offset < length)
                break;
            this.record(buf.subarray(offset, offset + length));
            offset += length;
        }
        buf = buf.subarray(offset);
        this.pending = buf.length ? [Buffer.from(buf)] : [];
        this.pendingLength = buf.length;
    }
    /** Checks that the archive ended between records. */
    finish() {
        if (this.pendingLength > 0 || this.state !== 'body' || this.namespace !== undefined)
            throw this.invalid('it ends in the middle of a record');
    }
    /** The collections of `database`, by name, with their document counts and checksums. */
    stats(database) {
        const prefix = `${database}.`;
        return [...this.namespaces]
            .filter((ns) => ns.startsWith(prefix))
            .sort()
            .map((ns) => {
            const tally = this.tallies.get(ns) ?? { count: 0, sum: 0n };
            return {
                schema: '',
                name: ns.slice(prefix.length),
                rows: tally.count,
                checksum: `md5sum64u:${tally.sum}`,
            };
        });
    }
    terminator() {
        if (this.state === 'metadata')
            this.state = 'body';
        else if (this.state === 'body' && this.namespace !== undefined)
            this.namespace = undefined;
        else
            throw this.invalid('a terminator where none belongs');
    }
    record(bytes) {
        switch (this.state) {
            case 'header': {
                const header = drivers_1.drivers.bson().deserialize(bytes);
                this.toolVersion = header.tool_version;
                this.serverVersion = header.server_version;
                this.state = 'metadata';
                return;
            }
            case 'metadata': {
                const meta = drivers_1.drivers.bson().deserialize(bytes);
                if (meta.db && meta.collection && meta.type !== 'view')
                    this.namespaces.add(`${meta.db}.${meta.collection}`);
                return;
            }
            case 'body': {
                if (this.namespace === undefined) {
                    const header = drivers_1.drivers.bson().deserialize(bytes);
                    this.namespace = `${header.db}.${header.collection}`;
                    this.namespaceEnded = header.EOF === true;
                    return;
                }
                if (this.namespaceEnded)
                    throw this.invalid('documents after the end of a collection');
                const tally = this.tallies.get(this.namespace) ?? { count: 0, sum: 0n };
                tally.count++;
                tally.sum += (0, node_crypto_1.createHash)('md5').update(bytes).digest().readBigUInt64BE(0);
                this.tallies.set(this.namespace, tally);
                return;
            }
            default:
                throw this.invalid('a record before the archive header');
        }
    }
    invalid(problem) {
        return new errors_1.InputError(`The dump is not a valid mongodump archive: ${problem}.`, 'Check that the dump tool is mongodump (100.x) and that it wrote --archive to standard output.');
    }
}
exports.ArchiveScanner = ArchiveScanner;
//# sourceMappingURL=archive.js.map