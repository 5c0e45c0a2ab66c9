/**
 * capYoungGeneration keeps V8's young generation at its first size, in the thread that calls it
 * and in the others. Each case runs in a Node process of its own, which the flag and the worker
 * threads it starts cannot outlive.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const MODULE = path.join(__dirname, '..', '..', 'dist', 'functions', 'core', 'young-generation.js');
const MiB = 1024 * 1024;

/**
 * For a child's script: keeps objects alive across a few young collections, as a backup's main
 * thread keeps each file's, then prints the young generation's resident bytes.
 */
const CHURN = `
  function churn() {
    let kept = [];
    for (let i = 0; i < 2e6; i++) {
      kept.push({ i, name: 'file ' + i });
      if (kept.length > 50000) kept = kept.slice(25000);
    }
    const young = require('node:v8').getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    process.stdout.write(String(young.physical_space_size));
  }`;

type Case = 'uncapped' | 'capped' | 'capped, then a worker' | 'capped, then a worker that caps again';

/** The main thread's young generation (resident bytes) after it kept objects alive across collections. */
function youngGenerationAfterChurn(which: Case): number {
  const script = `
    const { Worker } = require('node:worker_threads');
    const { capYoungGeneration } = require(${JSON.stringify(MODULE)});
    const which = process.env.CASE;
    ${CHURN}
    if (which !== 'uncapped') capYoungGeneration();
    if (!which.includes('worker')) churn();
    else {
      const recap = which.endsWith('caps again');
      const code = recap
        ? 'require(' + JSON.stringify(${JSON.stringify(MODULE)}) + ').capYoungGeneration(); require("node:worker_threads").parentPort.postMessage(1)'
        : 'require("node:worker_threads").parentPort.postMessage(1)';
      const worker = new Worker(code, { eval: true });
      worker.once('message', () => {
        churn();
        void worker.terminate();
      });
    }`;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, CASE: which },
    encoding: 'utf8',
  });
  return Number(out);
}

test('without the cap, objects that survive collections grow the young generation past 8 MiB', () => {
  expect(youngGenerationAfterChurn('uncapped')).toBeGreaterThan(8 * MiB);
});

test('capped, the young generation stays at 4 MiB or less', () => {
  expect(youngGenerationAfterChurn('capped')).toBeLessThanOrEqual(4 * MiB);
});

test("a worker thread's isolate undoes the cap for the whole process (V8's ConfigureHeap)", () => {
  expect(youngGenerationAfterChurn('capped, then a worker')).toBeGreaterThan(8 * MiB);
});

test('a worker thread that caps again first thing restores it', () => {
  expect(youngGenerationAfterChurn('capped, then a worker that caps again')).toBeLessThanOrEqual(4 * MiB);
});

/** Every worker thread Lifeboat starts: the scripts named in workerScript(__dirname, '...') calls. */
function lifeboatWorkerScripts(): string[] {
  const root = path.join(__dirname, '..', '..');
  const scripts: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith('.ts'))
        for (const [, name] of readFileSync(file, 'utf8').matchAll(/workerScript\(__dirname, '([\w-]+)'\)/g))
          scripts.push(path.join(root, 'dist', path.relative(root, dir), `${name}.js`));
    }
  };
  visit(path.join(root, 'functions'));
  return scripts;
}

test('each of Lifeboat’s worker threads caps again, so that the main thread’s stays capped', async () => {
  const scripts = lifeboatWorkerScripts();
  expect(scripts.length).toBeGreaterThanOrEqual(5);
  // A worker given no setup fails soon after it starts, or waits for work: either way its first
  // statement has run by the time it fails, or after a while.
  const script = `
    const { Worker } = require('node:worker_threads');
    require(${JSON.stringify(MODULE)}).capYoungGeneration();
    const worker = new Worker(process.env.SCRIPT, { workerData: {}, stdout: true, stderr: true });
    const started = new Promise((resolve) => {
      worker.once('error', resolve);
      worker.once('exit', resolve);
      worker.once('online', () => setTimeout(resolve, 1500));
    });
    ${CHURN}
    started.then(() => {
      churn();
      void worker.terminate();
    });`;
  const young = await Promise.all(
    scripts.map(
      (worker) =>
        new Promise<[string, number]>((resolve, reject) =>
          execFile(
            process.execPath,
            ['-e', script],
            { env: { ...process.env, SCRIPT: worker } },
            (error, out) => (error ? reject(error) : resolve([path.basename(worker), Number(out)])),
          ),
        ),
    ),
  );
  for (const [worker, bytes] of young)
    expect({ worker, capped: bytes <= 4 * MiB }).toEqual({ worker, capped: true });
});
