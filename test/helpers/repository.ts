import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { createKeyFile, KeyFileProvider } from '../../functions/adapters/local/key-file';
import { LocalObjectStore } from '../../functions/adapters/local/object-store';
import { backupStream } from '../../functions/core/services/backup-stream';
import { restoreStream, writableSink } from '../../functions/core/services/restore-stream';
import type { Repository } from '../../functions/repository/repository';
import type { BackupType, SnapshotManifest } from '../../functions/repository/snapshot';
import { behaveLikeKms, kms } from './fake-kms';

/** Backs `data` up as one stream snapshot; returns its manifest. */
export async function backupBuffer(
  repo: Repository,
  data: Buffer,
  name = 'db',
  backupType: BackupType = 'incremental',
): Promise<SnapshotManifest> {
  return (await backupStream(repo, Readable.from([data]), { name, backupType })).manifest;
}

/** Restores a stream snapshot into memory (verified by restoreStream as it goes). */
export async function restoreToBuffer(repo: Repository, id: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      done();
    },
  });
  await restoreStream(repo, await repo.loadSnapshot(id), writableSink(sink));
  return Buffer.concat(parts);
}

/**
 * Per test: a temporary directory with a local repository store and two key files, and the KMS
 * stand-in reset. Call setUp in beforeEach and tearDown in afterEach.
 */
export class KeyFixture {
  dir = '';
  store!: LocalObjectStore;
  first!: KeyFileProvider;
  second!: KeyFileProvider;

  constructor(private readonly prefix: string) {}

  async setUp(): Promise<void> {
    this.dir = mkdtempSync(path.join(tmpdir(), this.prefix));
    this.store = new LocalObjectStore(path.join(this.dir, 'repo'));
    for (const name of ['first.key', 'second.key']) await createKeyFile(path.join(this.dir, name));
    this.first = new KeyFileProvider(path.join(this.dir, 'first.key'));
    this.second = new KeyFileProvider(path.join(this.dir, 'second.key'));
    kms.reset();
    behaveLikeKms();
  }

  tearDown(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The path of an object of the repository, for tests that damage or inspect bytes. */
  file(key: string): string {
    return path.join(this.dir, 'repo', key);
  }

  async listed(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const info of this.store.list(prefix)) keys.push(info.key);
    return keys.sort();
  }
}
