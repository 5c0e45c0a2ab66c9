import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { nameBytes, nameText, shownName } from '../../functions/sources/filesystem/path-text';
import { argumentsWithBytes } from '../../bin/cli/raw-argv';

// A snapshot path as text must map back to exactly its bytes, whatever they are: --include and
// --exclude name entries by that text, and two names must never read the same.

/** Random bytes mapped onto UTF-8's lead and continuation bytes (and EF, a BOM's first). */
function utf8ish(bytes: Buffer): Buffer {
  return Buffer.from(
    bytes.map((r) =>
      r < 64
        ? 0x80 | (r & 0x3f)
        : r < 128
          ? 0xc0 | (r & 0x3f)
          : r < 192
            ? 0xe0 | (r & 0x1f)
            : r < 224
              ? 0xef
              : 0xf0 | (r & 7),
    ),
  );
}

describe('snapshot paths as text', () => {
  it('round-trips any bytes, and different bytes never give the same text', () => {
    const samples = [
      Buffer.from('plain/ascii name'),
      Buffer.from('café/Résumé/日本語/😀'),
      Buffer.from('f\xff\xfe.bin', 'latin1'),
      Buffer.from('f\xfe\xff.bin', 'latin1'),
      Buffer.from('R\xe9sum\xe9', 'latin1'),
      Buffer.from([0xc0, 0xaf]), // overlong "/"
      Buffer.from([0xed, 0xa0, 0x80]), // a surrogate, encoded
      Buffer.from([0xf4, 0x90, 0x80, 0x80]), // beyond U+10FFFF
      Buffer.from([0xe2, 0x82]), // cut short
      Buffer.from([0xef, 0xbf, 0xbd]), // U+FFFD itself, valid
      Buffer.from([0xed, 0xb3, 0xbf]), // the UTF-8 of U+DCFF, the escape of byte 0xff
      Buffer.from([0xef, 0xbb, 0xbf, 0xff]), // a BOM beside an invalid byte (a decoder drops BOMs)
      Buffer.from([0xff, 0x61, 0xef, 0xbb, 0xbf]),
      // Mostly lead and continuation bytes: the invalid sequences random bytes seldom make.
      ...Array.from({ length: 20_000 }, (_, i) => utf8ish(randomBytes(1 + (i % 8)))),
      ...Array.from({ length: 2000 }, (_, i) => randomBytes(1 + (i % 24))),
    ];
    const texts = new Map<string, string>();
    for (const bytes of samples) {
      const text = nameText(bytes);
      expect(nameBytes(text).equals(bytes)).toBe(true);
      const hex = bytes.toString('hex');
      expect(texts.get(text) ?? hex).toBe(hex);
      texts.set(text, hex);
    }
  });

  it('leaves valid UTF-8 as it reads, escapes only the bytes that are not part of it', () => {
    for (const text of ['docs/deep', 'café', '日本語/😀', '\ufffd']) {
      expect(nameText(Buffer.from(text))).toBe(text);
      expect(nameBytes(text).equals(Buffer.from(text))).toBe(true);
    }
    expect(nameText(Buffer.from('R\xe9sum\xe9', 'latin1'))).toBe('R\udce9sum\udce9');
    expect(nameText(Buffer.from([0x61, 0xe2, 0x82, 0x61]))).toBe('a\udce2\udc82a');
  });

  it('shows a name as it is, or quoted as bash reads it back byte for byte', () => {
    for (const plain of ['docs/deep', 'café', '日本語/😀', 'a b', "it's", 'back\\slash', '\ufffd'])
      expect(shownName(Buffer.from(plain))).toBe(plain);
    expect(shownName(Buffer.from('a\nb'))).toBe("$'a\\nb'");
    expect(shownName(Buffer.from('R\xe9sum\xe9', 'latin1'))).toBe("$'R\\xe9sum\\xe9'");
    expect(shownName(Buffer.from('\u0085'))).toBe("$'\\xc2\\x85'"); // C1 NEL, valid UTF-8
    // Random names (no NUL: no name holds one), each with a control byte so that it is quoted:
    // bash gives back exactly their bytes.
    const names = Array.from({ length: 300 }, (_, i) => {
      const bytes = randomBytes(1 + (i % 20)).map((b) => b || 0x01);
      bytes[i % bytes.length] = i % 32 || 0x1f;
      return Buffer.from(bytes);
    });
    names.push(Buffer.from("$'x'"), Buffer.from("'\\\n\\'"), Buffer.from('\x7f\xff\xfeab', 'latin1'));
    const quoted = names.map((n) => shownName(n));
    for (const q of quoted) expect(q.startsWith("$'") && q.endsWith("'") && !q.includes('\n')).toBe(true);
    const out = execFileSync('bash', ['-c', `printf '%s\\0' ${quoted.join(' ')}`]);
    const back: Buffer[] = [];
    for (let at = 0; at < out.length;) {
      const end = out.indexOf(0, at);
      back.push(out.subarray(at, end));
      at = end + 1;
    }
    expect(back.map((b) => b.toString('hex'))).toEqual(names.map((n) => n.toString('hex')));
  });

  it("keeps Node's arguments when they do not line up with the bytes the process was given", () => {
    // The e2e test (filesystem.test.ts) passes real bytes; here the last argument is not among
    // this process's own (/proc/self/cmdline), so nothing is taken from there.
    const other = [...process.argv, 'f\ufffd'];
    expect(argumentsWithBytes(other)).toEqual(other);
  });
});
