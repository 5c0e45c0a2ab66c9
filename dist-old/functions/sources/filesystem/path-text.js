"use strict";
/**
 * Snapshot paths as text, without losing a byte. A file name is bytes and need not be valid
 * UTF-8 (`R\xe9sum\xe9` from a latin1 system); decoded the usual way, each invalid byte becomes
 * U+FFFD, so two different names read the same and neither can be named in `--include`. Here an
 * invalid byte becomes a lone surrogate, U+DC80 + (byte - 0x80), as Python's "surrogateescape"
 * does: UTF-8 decoding never yields a surrogate, so the text maps back to exactly those bytes.
 * Printed, such a character shows as U+FFFD; in JSON it is the escape `\udcXX`.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.nameText = nameText;
exports.nameBytes = nameBytes;
exports.shownName = shownName;
exports.shownPath = shownPath;
const FIRST_ESCAPE = 0xdc80;
const LAST_ESCAPE = 0xdcff;
// ignoreBOM keeps a BOM (EF BB BF) in the text: by default the decoder drops it, and its bytes were lost.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** The text of a name's (or path's) bytes: UTF-8, each byte that is not part of it escaped. */
function nameText(bytes) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    // U+FFFD is either a replaced byte or a name that holds U+FFFD itself: only then look closer.
    return text.includes('\ufffd') ? escapedText(bytes) : text;
}
function escapedText(bytes) {
    let text = '';
    for (let i = 0; i < bytes.length;) {
        const lead = bytes[i];
        const length = lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
        const char = length > 0 && i + length <= bytes.length
            ? decodedOrUndefined(bytes.subarray(i, i + length))
            : undefined;
        if (char === undefined) {
            text += String.fromCharCode(FIRST_ESCAPE + lead - 0x80);
            i += 1;
        }
        else {
            text += char;
            i += length;
        }
    }
    return text;
}
/** One code point's bytes decoded, or undefined when they are not valid UTF-8 (overlong, a surrogate…). */
function decodedOrUndefined(sequence) {
    try {
        return strict.decode(sequence);
    }
    catch {
        return undefined;
    }
}
/** The bytes `nameText` made `text` from; for any other text, its UTF-8. */
function nameBytes(text) {
    if (!/[\udc80-\udcff]/.test(text))
        return Buffer.from(text, 'utf8');
    const parts = [];
    let run = '';
    for (const char of text) {
        const code = char.charCodeAt(0);
        if (char.length === 1 && code >= FIRST_ESCAPE && code <= LAST_ESCAPE) {
            parts.push(Buffer.from(run, 'utf8'), Buffer.of(code - FIRST_ESCAPE + 0x80));
            run = '';
        }
        else {
            run += char;
        }
    }
    parts.push(Buffer.from(run, 'utf8'));
    return Buffer.concat(parts);
}
/**
 * A name (or path) for a line of text meant for people: as it is, unless it holds a control
 * character, a byte that is not UTF-8, or starts with `$'`; then quoted as bash's `$'…'`, in which
 * each such byte is an escape (`$'a\nb'`, `$'R\xe9sum\xe9'`). A newline in a name would otherwise
 * split its line in two, and an invalid byte would print as U+FFFD. Pasted into a shell, the
 * quoted form is exactly the name's bytes again (as `--include`, `ls ID PATH` take them).
 * `--json` output keeps the exact text instead.
 */
function shownName(bytes) {
    return shownPath(nameText(bytes));
}
/** As shownName, for a path already in nameText's form. */
function shownPath(text) {
    if (!NEEDS_QUOTES.test(text) && !text.startsWith("$'"))
        return text;
    let quoted = "$'";
    for (const char of text) {
        const code = char.codePointAt(0);
        const escape = SHELL_ESCAPES[char];
        if (escape !== undefined)
            quoted += escape;
        else if (code >= FIRST_ESCAPE && code <= LAST_ESCAPE)
            quoted += hexEscapes([code - FIRST_ESCAPE + 0x80]);
        else if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
            quoted += hexEscapes(Buffer.from(char, 'utf8'));
        else
            quoted += char;
    }
    return `${quoted}'`;
}
/** Control characters (C0, DEL, C1) and escaped bytes (see nameText): matching them is the point. */
// eslint-disable-next-line no-control-regex
const NEEDS_QUOTES = /[\u0000-\u001f\u007f-\u009f\udc80-\udcff]/;
const SHELL_ESCAPES = {
    '\n': '\\n',
    '\t': '\\t',
    '\r': '\\r',
    '\\': '\\\\',
    "'": "\\'",
};
function hexEscapes(bytes) {
    let out = '';
    for (const byte of bytes)
        out += `\\x${byte.toString(16).padStart(2, '0')}`;
    return out;
}
//# sourceMappingURL=path-text.js.map