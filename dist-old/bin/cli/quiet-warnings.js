"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
// node:sqlite (the embedded catalog) announces itself as experimental on every run; an operator
// can do nothing about it, and it would interleave with the output. Only that warning is dropped.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning, ...rest) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.startsWith('SQLite is an experimental feature'))
        return;
    emitWarning(warning, ...rest);
});
//# sourceMappingURL=quiet-warnings.js.map