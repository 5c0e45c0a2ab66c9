"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.printJson = printJson;
exports.say = say;
exports.sayPathProblems = sayPathProblems;
exports.formatBytes = formatBytes;
exports.count = count;
exports.formatTable = formatTable;
exports.reportError = reportError;
const errors_1 = require("../../functions/core/errors");
const path_text_1 = require("../../functions/sources/filesystem/path-text");
function printJson(value) {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
/** Messages for people go to stderr, so stdout stays clean for data and JSON. */
function say(message) {
    process.stderr.write(`${message}\n`);
}
/**
 * One line per entry, `LABEL: [PREFIX: ]PATH: PROBLEM`, on stderr: what a backup warned about or
 * skipped, what a restore refused or left alone. The path as people can read it (shownPath).
 */
function sayPathProblems(label, problems, prefix) {
    for (const p of problems)
        say(`${label}: ${prefix ? `${prefix}: ` : ''}${(0, path_text_1.shownPath)(p.path)}: ${p.problem}`);
}
function formatBytes(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0
        ? `${bytes} B`
        : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit]}`;
}
/** "1 file", "2 files"; `many` for irregular plurals ("directories"). */
function count(n, one, many = `${one}s`) {
    return `${n} ${n === 1 ? one : many}`;
}
function formatTable(rows) {
    const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
    return rows
        .map((r) => r
        .map((cell, col) => cell.padEnd(widths[col]))
        .join('  ')
        .trimEnd())
        .join('\n');
}
/** Prints an error the way an operator needs it: what happened, then what to do. Returns the exit code. */
function reportError(error, json) {
    if (error instanceof errors_1.LifeboatError) {
        if (json)
            printJson({ error: { code: error.code, message: error.message, hint: error.hint } });
        say(`lifeboat: ${error.message}\n  ${error.hint}`);
        return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (json)
        printJson({ error: { code: 'INTERNAL', message } });
    say(`lifeboat: unexpected error: ${message}\n  This is a bug; please report it with the command you ran.`);
    if (process.env.LIFEBOAT_DEBUG && error instanceof Error)
        say(error.stack ?? '');
    return errors_1.ExitCode.failure;
}
//# sourceMappingURL=output.js.map