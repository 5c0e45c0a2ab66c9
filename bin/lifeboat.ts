#!/usr/bin/env node
import './cli/compile-cache';
import './cli/malloc-arenas';
import './cli/young-generation';
import './cli/quiet-warnings';
import { CommanderError } from 'commander';
import { ExitCode } from '../functions/core/errors';
import { buildProgram } from './cli/program';
import { printJson, reportError, say } from './cli/output';
import { argumentsWithBytes } from './cli/raw-argv';

const json = process.argv.includes('--json');
let settled = false;
// An exit before the command settled (an event loop that drained while a promise was pending)
// must never look like success.
process.on('exit', () => {
  if (!settled) {
    say('lifeboat: stopped before the command finished; nothing it reported can be trusted.');
    process.exitCode = 1;
  }
});
// A reader that stops early (`lifeboat ls ID | head`) closes the pipe: it has what it wanted, so
// the command ends quietly, as ls(1) does, and not with a stack trace. (A restore to standard
// output writes the descriptor itself, FdSink, and fails when its reader goes away.)
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  settled = true;
  process.exit(0);
});
buildProgram()
  .parseAsync(argumentsWithBytes())
  .then(
    () => {
      settled = true;
    },
    (error: unknown) => {
      settled = true;
      // Commander has printed usage errors and help already: help exits 0, bad usage 2.
      if (error instanceof CommanderError) {
        process.exitCode = error.exitCode === 0 ? 0 : ExitCode.usage;
        if (json && error.exitCode !== 0) {
          printJson({
            error: {
              code: 'USAGE',
              message: error.message.replace(/^error: /, ''),
              hint: 'Run lifeboat --help.',
            },
          });
        }
      } else process.exitCode = reportError(error, json);
    },
  );
