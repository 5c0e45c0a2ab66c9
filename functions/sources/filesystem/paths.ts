const SLASH = Buffer.from('/');

/** `dir/name` for paths kept as bytes (a file name need not be valid UTF-8). */
export function joinPath(dir: Buffer, name: Buffer): Buffer {
  return dir.length === 1 && dir[0] === 0x2f
    ? Buffer.concat([SLASH, name])
    : Buffer.concat([dir, SLASH, name]);
}
