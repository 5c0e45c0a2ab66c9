#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("./cli/compile-cache");
require("./cli/malloc-arenas");
require("./cli/young-generation");
require("./cli/quiet-warnings");
const commander_1 = require("commander");
const errors_1 = require("../functions/core/errors");
const program_1 = require("./cli/program");
const output_1 = require("./cli/output");
const raw_argv_1 = require("./cli/raw-argv");
const json = process.argv.includes('--json');
let settled = false;
// An exit before the command settled (an event loop that drained while a promise was pending)
// must never look like success.
process.on('exit', () => {
    if (!settled) {
        (0, output_1.say)('lifeboat: stopped before the command finished; nothing it reported can be trusted.');
        process.exitCode = 1;
    }
});
// A reader that stops early (`lifeboat ls ID | head`) closes the pipe: it has what it wanted, so
// the command ends quietly, as ls(1) does, and not with a stack trace. (A restore to standard
// output writes the descriptor itself, FdSink, and fails when its reader goes away.)
process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE')
        throw error;
    settled = true;
    process.exit(0);
});
(0, program_1.buildProgram)()
    .parseAsync((0, raw_argv_1.argumentsWithBytes)())
    .then(() => {
    settled = true;
}, (error) => {
    settled = true;
    // Commander has printed usage errors and help already: help exits 0, bad usage 2.
    if (error instanceof commander_1.CommanderError) {
        process.exitCode = error.exitCode === 0 ? 0 : errors_1.ExitCode.usage;
        if (json && error.exitCode !== 0) {
            (0, output_1.printJson)({
                error: {
                    code: 'USAGE',
                    message: error.message.replace(/^error: /, ''),
                    hint: 'Run lifeboat --help.',
                },
            });
        }
    }
    else
        process.exitCode = (0, output_1.reportError)(error, json);
});
//# sourceMappingURL=lifeboat.js.map