import type { ChunkerParams } from '../../repository/chunker';
import type { CompressionSettings } from '../../repository/codec';
import { loadNativeAddon } from '../../core/native-addon';
import type { FileChunksMessage, FileJob } from './file-worker';
import { nativeReport } from './native-batch-lane';
import { nativeChunking, type NativeChunking } from './native-chunking';

interface LaneSetup extends NativeChunking {
  /** zstd's level; 0 stores every chunk as it is. */
  level: number;
}

type Report = (messages: FileChunksMessage[], fatal: string | undefined) => void;

interface FileReaderAddon {
  open(setup: LaneSetup, ring: Buffer, report: Report): object;
  submit(lane: object, seq: number, path: string, unstated: boolean): void;
  release(lane: object, bytes: number): void;
  close(lane: object): void;
}

/** LIFEBOAT_NO_NATIVE_READER (any value) leaves the addon out: the worker threads read instead. */
const addon = process.env['LIFEBOAT_NO_NATIVE_READER']
  ? undefined
  : loadNativeAddon<FileReaderAddon>(__dirname, 'file-reader.node');

export interface NativeReaderSetup {
  idKey: Uint8Array;
  compression: CompressionSettings;
  chunker: ChunkerParams;
  gear: BigUint64Array;
}

/**
 * Whether files can be read on native threads here (file-reader.c): the addon is built, and the
 * repository compresses with zstd or not at all (gzip is left to the workers).
 */
export function nativeFileReader(setup: NativeReaderSetup): boolean {
  const { alg, level } = setup.compression;
  return addon !== undefined && (alg === 'none' || (alg === 'zstd' && level >= 1));
}

/**
 * One native thread that reads and encodes files as a file worker does (file-worker.ts), with its
 * messages in the same shape, into a ring the caller owns (and keeps until `close`).
 */
export class NativeFileReader {
  private readonly lane: object;
  private readonly native: FileReaderAddon;

  constructor(
    setup: NativeReaderSetup,
    ring: SharedArrayBuffer,
    onMessages: (messages: FileChunksMessage[]) => void,
    onFailure: (error: Error) => void,
  ) {
    if (!addon) throw new Error('the native file reader is not built here');
    this.native = addon;
    this.lane = addon.open(
      {
        ...nativeChunking(setup.idKey, setup.chunker, setup.gear),
        level: setup.compression.alg === 'zstd' ? setup.compression.level : 0,
      },
      Buffer.from(ring),
      nativeReport('file reader', onMessages, onFailure),
    );
  }

  post(jobs: readonly FileJob[]): void {
    for (const job of jobs) this.native.submit(this.lane, job.seq, job.path, job.unstated === true);
  }

  release(bytes: number): void {
    this.native.release(this.lane, bytes);
  }

  /** Stops the thread once the file at hand is done; what it has not reported is dropped. */
  close(): void {
    this.native.close(this.lane);
  }
}
