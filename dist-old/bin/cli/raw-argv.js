"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.argumentsWithBytes = argumentsWithBytes;
const node_fs_1 = require("node:fs");
const path_text_1 = require("../../functions/sources/filesystem/path-text");
/**
 * The command's arguments with their bytes kept. Node decodes arguments as UTF-8 and replaces
 * each byte it cannot decode with U+FFFD, so `lifeboat restore ID --include $'R\xe9sum\xe9'`
 * would look for a name that is not there. On Linux the kernel still has the bytes
 * (/proc/self/cmdline); an argument Node decoded lossily is taken from there, as `nameText`
 * writes it, which the snapshot paths understand (path-text.ts). Anywhere else, or when the two
 * lists do not line up, the arguments are Node's.
 */
function argumentsWithBytes(argv = process.argv) {
    if (!argv.some((arg) => arg.includes('\ufffd')))
        return [...argv];
    let raw;
    try {
        raw = splitNul((0, node_fs_1.readFileSync)('/proc/self/cmdline'));
    }
    catch {
        return [...argv];
    }
    // The kernel's list also holds Node's own options, before the script: line up from the end.
    const user = argv.slice(2);
    const tail = raw.slice(raw.length - user.length);
    if (tail.length !== user.length || tail.some((bytes, i) => bytes.toString('utf8') !== user[i]))
        return [...argv];
    return [...argv.slice(0, 2), ...user.map((arg, i) => (arg.includes('\ufffd') ? (0, path_text_1.nameText)(tail[i]) : arg))];
}
function splitNul(data) {
    const parts = [];
    let start = 0;
    for (let i = data.indexOf(0); i !== -1; i = data.indexOf(0, start)) {
        parts.push(data.subarray(start, i));
        start = i + 1;
    }
    if (start < data.length)
        parts.push(data.subarray(start));
    return parts;
}
//# sourceMappingURL=raw-argv.js.map