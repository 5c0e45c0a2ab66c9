import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { CompactOnce, compactHeap, enableYoungGc } from '../../functions/repository/young-gc';

// compactHeap relies on V8's last-resort collection giving the young generation back, which a
// plain full collection does not: a long stream grows it to its maximum and keeps it there.
beforeAll(() => {
  enableYoungGc();
  // V8's default: a test file loaded before this one in the same process may have capped the
  // young generation (capYoungGeneration, called when a Lambda handler's module loads).
  setFlagsFromString('--semi-space-growth-factor=2');
});

const MiB = 1024 * 1024;

function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
}

/** Many short-lived objects with some survivors, as a stream's main thread makes them: V8 grows the young generation. */
function growYoungGeneration(): void {
  let kept: { n: number; s: string }[] = [];
  for (let i = 0; i < 2_000_000; i++) {
    kept.push({ n: i, s: `x${i}` });
    if (kept.length > 20_000) kept = kept.slice(10_000);
  }
}

test('compactHeap shrinks a grown young generation', () => {
  growYoungGeneration();
  const grown = youngGenerationBytes();
  expect(grown).toBeGreaterThanOrEqual(8 * MiB);
  compactHeap();
  expect(youngGenerationBytes()).toBeLessThanOrEqual(grown / 4);
});

test('CompactOnce compacts once, when the bytes counted reach its threshold', () => {
  const once = new CompactOnce(10 * MiB);
  growYoungGeneration();
  const grown = youngGenerationBytes();
  once.add(6 * MiB);
  expect(youngGenerationBytes()).toBe(grown);
  once.add(6 * MiB);
  const compacted = youngGenerationBytes();
  expect(compacted).toBeLessThanOrEqual(grown / 4);
  growYoungGeneration();
  once.add(20 * MiB);
  expect(youngGenerationBytes()).toBeGreaterThan(compacted);
});
