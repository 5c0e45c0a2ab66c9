/**
 * Snapshot paths as text, without losing a byte. A file name is bytes and need not be valid
 * UTF-8 (`R\xe9sum\xe9` from a latin1 system); decoded the usual way, each invalid byte becomes
 * U+FFFD, so two different names read the same and neither can be named in `--include`. Here an
 * invalid byte becomes a lone surrogate, U+DC80 + (byte - 0x80), as Python's "surrogateescape"
 * does: UTF-8 decoding never yields a surrogate, so the text maps back to exactly those bytes.
 * Printed, such a character shows as U+FFFD; in JSON it is the escape `\udcXX`.
 */

const FIRST_ESCAPE = 0xdc80;
const LAST_ESCAPE = 0xdcff;
const strict = new TextDecoder('utf-8', { fatal: true });

/** The text of a name's (or path's) bytes: UTF-8, each byte that is not part of it escaped. */
export function nameText(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // U+FFFD is either a replaced byte or a name that holds U+FFFD itself: only then look closer.
  return text.includes('\ufffd') ? escapedText(bytes) : text;
}

function escapedText(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i]!;
    const length =
      lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
    const char =
      length > 0 && i + length <= bytes.length
        ? decodedOrUndefined(bytes.subarray(i, i + length))
        : undefined;
    if (char === undefined) {
      text += String.fromCharCode(FIRST_ESCAPE + lead - 0x80);
      i += 1;
    } else {
      text += char;
      i += length;
    }
  }
  return text;
}

/** One code point's bytes decoded, or undefined when they are not valid UTF-8 (overlong, a surrogate…). */
function decodedOrUndefined(sequence: Uint8Array): string | undefined {
  try {
    return strict.decode(sequence);
  } catch {
    return undefined;
  }
}

/** The bytes `nameText` made `text` from; for any other text, its UTF-8. */
export function nameBytes(text: string): Buffer {
  if (!/[\udc80-\udcff]/.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= FIRST_ESCAPE && code <= LAST_ESCAPE) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.of(code - FIRST_ESCAPE + 0x80));
      run = '';
    } else {
      run += char;
    }
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}
