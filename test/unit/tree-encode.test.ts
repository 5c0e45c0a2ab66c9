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

test('every kind of node decodes to what was encoded, owner names in UTF-8 included', () => {
  const meta = {
    mode: 0o640,
    uid: 1000,
    gid: 50,
    user: 'jürgen',
    group: '',
    mtimeNs: 1_700_000_000_123_456_789n,
    ctimeNs: -5n,
    dev: 2049n,
    ino: 1234567n,
    nlink: 2,
  };
  const id = (fill: number) => Buffer.alloc(32, fill);
  const nodes: TreeNode[] = [
    { ...meta, type: 'dir', name: Buffer.from('a-dir'), size: 0, subtree: [id(1), id(2)] },
    {
      ...meta,
      type: 'file',
      name: Buffer.from('b-inline'),
      size: 9,
      content: { refs: [{ id: id(3), rawLength: 9 }] },
    },
    { ...meta, type: 'file', name: Buffer.from('c-lists'), size: 1 << 30, content: { lists: [id(4)] } },
    { ...meta, type: 'file', name: Buffer.from([0x64, 0xff]), size: 0, content: { refs: [] } },
    { ...meta, type: 'symlink', name: Buffer.from('e-link'), size: 3, target: Buffer.from('../') },
  ];
  const [part] = encodeTree(nodes.map((n) => ({ ...n })));
  expect(decodeTreePart(part!, 'tree')).toEqual(nodes);
});

test('64-bit fields keep their extremes, also from a part inside a larger buffer', () => {
  const node: TreeNode = {
    type: 'file',
    name: Buffer.from('edge'),
    size: Number.MAX_SAFE_INTEGER,
    content: { refs: [] },
    mode: 0o600,
    uid: 0xffff_fffe,
    gid: 0,
    user: '',
    group: '',
    mtimeNs: -(2n ** 63n),
    ctimeNs: 2n ** 63n - 1n,
    dev: 2n ** 64n - 1n,
    ino: 2n ** 32n + 7n,
    nlink: 1,
  };
  const [part] = encodeTree([{ ...node }]);
  // Decoded parts are often views of a bigger buffer (a decrypted pack range): offsets must hold.
  const host = Buffer.alloc(part!.length + 13, 0xaa);
  part!.copy(host, 7);
  expect(decodeTreePart(host.subarray(7, 7 + part!.length), 'tree')).toEqual([node]);
});

test('a size past 2^53 - 1 is refused as damage, not rounded', () => {
  const [part] = encodeTree([symlink('big', Buffer.from('x'))]);
  // The size field follows the name, mode, ids, owner names, four 64-bit fields and nlink.
  const sizeAt = 5 + 1 + 2 + 3 + 12 + 1 + 1 + 32 + 4;
  expect(part!.readBigUInt64BE(sizeAt)).toBe(1n);
  part!.writeBigUInt64BE(2n ** 53n, sizeAt);
  expect(() => decodeTreePart(part!, 'tree')).toThrow('size out of range');
  part!.writeBigUInt64BE(2n ** 53n - 1n, sizeAt);
  expect(decodeTreePart(part!, 'tree')[0]!.size).toBe(2 ** 53 - 1);
});

test('a size that is not a whole number of bytes is not encoded', () => {
  for (const size of [-1, 1.5, 2 ** 53])
    expect(() => encodeTree([{ ...symlink('bad', Buffer.from('x')), size } as TreeNode])).toThrow(
      'not a size in bytes',
    );
});

test('a count of ids the part cannot hold is damage, refused before a list is made for it', () => {
  const subtree = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
  const { target: _target, ...meta } = symlink('d', Buffer.alloc(0)) as Extract<
    TreeNode,
    { type: 'symlink' }
  >;
  const dir: TreeNode = { ...meta, type: 'dir', size: 0, subtree };
  const [part] = encodeTree([dir]);
  // The count follows the size field (see the test above) and is followed by the two ids.
  const countAt = 5 + 1 + 2 + 1 + 12 + 1 + 1 + 32 + 4 + 8;
  expect(part!.readUInt32BE(countAt)).toBe(2);
  expect(part!.length).toBe(countAt + 4 + 64);
  for (const count of [3, 0xffffffff]) {
    part!.writeUInt32BE(count, countAt);
    expect(() => decodeTreePart(part!, 'tree')).toThrow(
      expect.objectContaining({ problem: 'tree part is truncated', offset: countAt + 4 }),
    );
  }
  part!.writeUInt32BE(2, countAt);
  expect(decodeTreePart(part!, 'tree')).toEqual([dir]);
});
