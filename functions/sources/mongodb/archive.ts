import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors';
import { drivers } from '../database/drivers';
import type { TableStat } from '../database/table-stats';

/** mongodump --archive starts with this number (little-endian). */
const MAGIC = 0x8199e26d;
const TERMINATOR = 0xffffffff;
/** BSON documents are at most 16 MiB; a block header is small. */
const MAX_DOCUMENT = 16 * 1024 * 1024 + 1024;

interface Tally {
  count: number;
  sum: bigint;
}

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
export class ArchiveScanner {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private state: 'magic' | 'header' | 'metadata' | 'body' = 'magic';
  private namespace: string | undefined;
  private namespaceEnded = false;
  private readonly tallies = new Map<string, Tally>();
  readonly namespaces = new Set<string>();
  toolVersion: string | undefined;
  serverVersion: string | undefined;

  push(data: Buffer): void {
    this.pending.push(data);
    this.pendingLength += data.length;
    let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    let offset = 0;
    while (buf.length - offset >= 4) {
      const length = buf.readUInt32LE(offset);
      if (this.state === 'magic') {
        if (length !== MAGIC) throw this.invalid('it does not start with the archive magic number');
        offset += 4;
        this.state = 'header';
        continue;
      }
      if (length === TERMINATOR) {
        offset += 4;
        this.terminator();
        continue;
      }
      if (length < 5 || length > MAX_DOCUMENT) throw this.invalid(`a record claims ${length} bytes`);
      if (buf.length - offset < length) break;
      this.record(buf.subarray(offset, offset + length));
      offset += length;
    }
    buf = buf.subarray(offset);
    this.pending = buf.length ? [Buffer.from(buf)] : [];
    this.pendingLength = buf.length;
  }

  /** Checks that the archive ended between records. */
  finish(): void {
    if (this.pendingLength > 0 || this.state !== 'body' || this.namespace !== undefined)
      throw this.invalid('it ends in the middle of a record');
  }

  /** The collections of `database`, by name, with their document counts and checksums. */
  stats(database: string): TableStat[] {
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

  private terminator(): void {
    if (this.state === 'metadata') this.state = 'body';
    else if (this.state === 'body' && this.namespace !== undefined) this.namespace = undefined;
    else throw this.invalid('a terminator where none belongs');
  }

  private record(bytes: Buffer): void {
    switch (this.state) {
      case 'header': {
        const header = drivers.bson().deserialize(bytes) as {
          tool_version?: string;
          server_version?: string;
        };
        this.toolVersion = header.tool_version;
        this.serverVersion = header.server_version;
        this.state = 'metadata';
        return;
      }
      case 'metadata': {
        const meta = drivers.bson().deserialize(bytes) as { db?: string; collection?: string; type?: string };
        if (meta.db && meta.collection && meta.type !== 'view')
          this.namespaces.add(`${meta.db}.${meta.collection}`);
        return;
      }
      case 'body': {
        if (this.namespace === undefined) {
          const header = drivers.bson().deserialize(bytes) as {
            db?: string;
            collection?: string;
            EOF?: boolean;
          };
          this.namespace = `${header.db}.${header.collection}`;
          this.namespaceEnded = header.EOF === true;
          return;
        }
        if (this.namespaceEnded) throw this.invalid('documents after the end of a collection');
        const tally = this.tallies.get(this.namespace) ?? { count: 0, sum: 0n };
        tally.count++;
        tally.sum += createHash('md5').update(bytes).digest().readBigUInt64BE(0);
        this.tallies.set(this.namespace, tally);
        return;
      }
      default:
        throw this.invalid('a record before the archive header');
    }
  }

  private invalid(problem: string): Error {
    return new InputError(
      `The dump is not a valid mongodump archive: ${problem}.`,
      'Check that the dump tool is mongodump (100.x) and that it wrote --archive to standard output.',
    );
  }
}
