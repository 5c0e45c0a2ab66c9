"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.ExcludeMatcher = void 0;
exports.readExcludeFile = readExcludeFile;
const node_fs_1 = require("node:fs");
const picomatch_1 = __importDefault(require("picomatch"));
const errors_1 = require("../../core/errors");
const path_text_1 = require("./path-text");
/**
 * Exclusion patterns, as restic users write them: a pattern without a slash matches a name at
 * any depth (`*.o`, `node_modules`); one with a slash matches the absolute path (`/home/*\/.cache`).
 * `**` spans directories. An excluded directory is skipped with everything under it.
 */
class ExcludeMatcher {
    patterns;
    byName;
    byPath;
    constructor(patterns) {
        this.patterns = patterns;
        const names = patterns.filter((p) => !p.includes('/'));
        const paths = patterns.filter((p) => p.includes('/'));
        const options = { dot: true };
        this.byName = names.length > 0 ? (0, picomatch_1.default)(names, options) : undefined;
        this.byPath = paths.length > 0 ? (0, picomatch_1.default)(paths, options) : undefined;
    }
    get empty() {
        return this.patterns.length === 0;
    }
    /** `absolute` is the entry's absolute path and `name` its last component (both as UTF-8 text). */
    excludes(absolute, name) {
        return Boolean(this.byName?.(name) || this.byPath?.(absolute));
    }
}
exports.ExcludeMatcher = ExcludeMatcher;
/**
 * Patterns from --exclude-file: one per line; blank lines and lines starting with # are ignored.
 * Bytes that are not UTF-8 are kept (path-text.ts), as names are matched.
 */
function readExcludeFile(path) {
    let text;
    try {
        text = (0, path_text_1.nameText)((0, node_fs_1.readFileSync)((0, path_text_1.nameBytes)(path)));
    }
    catch (error) {
        const code = error.code ?? 'error';
        throw new errors_1.InputError(`Cannot read the exclude file ${path} (${code}).`, 'Check the path given to --exclude-file.');
    }
    return text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0 && !line.startsWith('#'));
}
//# sourceMappingURL=exclude.js.map