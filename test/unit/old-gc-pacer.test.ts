import { OldGcPacer, StreamHeap } from '../../functions/repository/young-gc';

const MiB = 1024 * 1024;

/** A pacer over a scripted heap: each look at the heap takes the next size. */
function scripted(sizes: number[], every = 2) {
  const looks: number[] = [];
  let collections = 0;
  const pacer = new OldGcPacer(
    every,
    32 * MiB,
    () => {
      const size = sizes.shift()!;
      looks.push(size);
      return size;
    },
    () => collections++,
  );
  return { pacer, looks, collections: () => collections };
}

describe('OldGcPacer', () => {
  test('looks at the heap once per `every` files, not per file', () => {
    const { pacer, looks } = scripted([10 * MiB, 10 * MiB, 10 * MiB], 4);
    for (let i = 0; i < 11; i++) pacer.add();
    expect(looks).toHaveLength(2);
  });

  test('collects when the heap has grown 32 MiB over the least it held, then measures afresh', () => {
    const { pacer, collections } = scripted([60, 50, 70, 81, 83, 50, 60, 83].map((m) => m * MiB));
    const afterLooks = (looks: number) => {
      for (let i = 0; i < looks * 2; i++) pacer.add();
      return collections();
    };
    expect(afterLooks(4)).toBe(0); // 60, 50, 70, 81: at most 31 MiB over the floor of 50
    expect(afterLooks(1)).toBe(1); // 83: 33 over the floor
    expect(afterLooks(2)).toBe(1); // 50, 60: the floor is measured again after a collection
    expect(afterLooks(1)).toBe(2); // 83: 33 over the new floor of 50
  });
});

describe('StreamHeap', () => {
  test('collects when the heap has grown 8 MiB over its floor, looking every 8 chunks', () => {
    const sizes = [30, 25, 32, 34, 30].map((m) => m * MiB);
    const looks: number[] = [];
    let collections = 0;
    const heap = new StreamHeap(
      () => {
        looks.push(sizes[0]!);
        return sizes.shift()!;
      },
      () => collections++,
    );
    const chunks = (n: number) => {
      for (let i = 0; i < n; i++) heap.chunkDone(64 * 1024);
      return collections;
    };
    expect(chunks(7)).toBe(0);
    expect(looks).toHaveLength(0);
    expect(chunks(8 * 3 - 7)).toBe(0); // 30, 25, 32: 7 MiB over the floor of 25
    expect(chunks(8)).toBe(1); // 34: 9 over
    expect(looks).toHaveLength(4);
  });
});
