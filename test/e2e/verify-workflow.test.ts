// The verify state machine on the local engine: each verification type on a healthy backup, and
// on a repository with one damaged byte, recorded in backup_verifications.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalEngine } from '../../functions/local/engine';
import type { LocalSystem } from '../../functions/local/system';
import { makeTree } from '../helpers/tree';
import { tempSystem, type TempSystem } from '../helpers/system';

let temp: TempSystem;
let dir: string;
let system: LocalSystem;
let engine: LocalEngine;
let backupId: string;

function dataPacks(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(path.join(root, 'data'));
  return out;
}

beforeEach(async () => {
  temp = await tempSystem('lifeboat-verify-wf-', (source) => makeTree(source));
  ({ dir, system } = temp);
  engine = new LocalEngine(system.ctx, { retryDelays: 'none' });
  expect((await engine.run('backup', { target: 'web' })).status).toBe('SUCCEEDED');
  backupId = (await system.catalog.latestCompleted('web'))!.id;
});

afterEach(() => temp.cleanup());

describe('verify workflow on the local engine', () => {
  it('passes every type on a healthy backup and records what it checked', async () => {
    for (const type of ['checksum', 'integrity_check', 'restore_test', 'full_verification']) {
      const run = await engine.run('verify', { backup: backupId, verification_type: type });
      expect({ type, status: run.status }).toEqual({ type, status: 'SUCCEEDED' });
    }
    const records = (await system.catalog.listVerificationsByBackup(backupId, { descending: false })).items;
    expect(records.map((v) => [v.verification_type, v.status])).toEqual([
      ['checksum', 'passed'],
      ['integrity_check', 'passed'],
      ['restore_test', 'passed'],
      ['full_verification', 'passed'],
    ]);
    expect(records[0]).toMatchObject({
      checksum_valid: true,
      data_integrity_verified: null,
      restore_test_passed: null,
    });
    expect(records[3]).toMatchObject({
      checksum_valid: true,
      data_integrity_verified: true,
      restore_test_passed: true,
    });
    const details = records[3]!.verification_details as {
      integrity: { chunks_read: number };
      restore_test: { files_checked: number; problems: unknown[] };
    };
    expect(details.integrity.chunks_read).toBeGreaterThan(40);
    expect(details.restore_test.files_checked).toBeGreaterThan(40);
    expect(details.restore_test.problems).toEqual([]);
    // The throwaway restore is gone.
    expect(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('lifeboat-restore-test-'))).toEqual([]);
  });

  it('records damage as a failed verification and announces it', async () => {
    // One byte in the middle of every data pack.
    for (const pack of dataPacks(path.join(dir, 'home', 'repository'))) {
      const size = fs.statSync(pack).size;
      const fd = fs.openSync(pack, 'r+');
      const byte = Buffer.alloc(1);
      fs.readSync(fd, byte, 0, 1, Math.floor(size / 2));
      byte[0] = byte[0]! ^ 0xff;
      fs.writeSync(fd, byte, 0, 1, Math.floor(size / 2));
      fs.closeSync(fd);
    }
    const run = await engine.run('verify', { backup: backupId, verification_type: 'full_verification' });
    expect(run.status).toBe('SUCCEEDED'); // the workflow ran; the backup failed its checks
    const [record] = (await system.catalog.listVerificationsByBackup(backupId)).items;
    expect(record).toMatchObject({
      status: 'failed',
      checksum_valid: true, // the trees (metadata packs) are intact
      data_integrity_verified: false,
      restore_test_passed: false,
    });
    const details = record!.verification_details as { integrity: { problems: { problem: string }[] } };
    expect(details.integrity.problems[0]?.problem).toMatch(/Damaged object/);
    expect(system.events.published.map((e) => e.type)).toContain('Verification Failed');
  });

  it('fails cleanly for a backup that does not exist', async () => {
    const run = await engine.run('verify', { backup: 'latest:nothing' });
    expect(run.status).toBe('FAILED');
    expect((await system.catalog.listVerifications()).items).toEqual([]);
    expect(system.events.published.map((e) => e.type)).toContain('Verification Failed');
  });
});
