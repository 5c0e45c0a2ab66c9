import { realpathSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { prepareWorkerIsolates } from '../../functions/repository/worker-isolates';

/** Executable mappings of the Node binary: its own code, plus one copy of V8's built-ins per isolate that remaps them. */
function executableMappingsOfNode(): number {
  const binary = realpathSync(process.execPath);
  return readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((line) => line.endsWith(binary) && line.split(/\s+/)[1]?.startsWith('r-x')).length;
}

async function startedWorker(): Promise<Worker> {
  const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
  await new Promise((resolve) => worker.once('online', resolve));
  // The isolate is set up before its script runs; give its code range a moment to be mapped.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return worker;
}

const linux = process.platform === 'linux' ? test : test.skip;

linux('workers started after prepareWorkerIsolates map no copy of the built-ins of their own', async () => {
  prepareWorkerIsolates();
  const before = executableMappingsOfNode();
  expect(before).toBeGreaterThanOrEqual(1);
  const workers = [await startedWorker(), await startedWorker()];
  try {
    expect(executableMappingsOfNode()).toBe(before);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
});
