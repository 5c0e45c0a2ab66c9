import { decodeTreePart, encodeTree, TREE_PART_BYTES, type TreeNode } from '../../functions/repository/tree';

// Trees are encoded through one writer reused for every directory of a backup; what it returns
// must be copies, untouched by the next directory's encoding.

function symlink(name: string, target: Buffer): TreeNode {
  return {
    type: 'symlink',
    name: Buffer.from(name),
    target,
    size: target.length,
    mode: 0o777,
    uid: 0,
    gid: 0,
    user: '',
    group: '',
    mtimeNs: 1n,
    ctimeNs: 2n,
    dev: 3n,
    ino: 4n,
    nlink: 1,
  };
}

test('parts of one tree stay as they were when the next tree is encoded', () => {
  // Long targets: the first tree needs several parts, and the writer grows past its first size.
  const first = Array.from({ length: 40 }, (_, i) =>
    symlink(`a${String(i).padStart(2, '0')}`, Buffer.alloc(100_000, i)),
  );
  const parts = encodeTree(first);
  expect(parts.length).toBeGreaterThan(3);
  for (const part of parts) expect(part.length).toBeLessThan(TREE_PART_BYTES + 200_000);
  const copies = parts.map((p) => Buffer.from(p));

  const second = encodeTree([symlink('b', Buffer.alloc(300_000, 0xee))]);
  expect(second).toHaveLength(1);
  parts.forEach((p, i) => expect(p.equals(copies[i]!)).toBe(true));

  const decoded = parts.flatMap((p) => decodeTreePart(p, 'tree'));
  expect(decoded.map((n) => n.name.toString())).toEqual(first.map((n) => n.name.toString()));
  expect(decoded.map((n) => (n.type === 'symlink' ? n.target[0] : -1))).toEqual(first.map((_, i) => i));
  expect(decodeTreePart(second[0]!, 'tree')).toHaveLength(1);
  expect(encodeTree([])).toEqual([Buffer.from([1, 0, 0, 0, 0])]);
});
