#!/usr/bin/env node
import { buildProgram } from './cli/program';
import { reportError } from './cli/output';

const json = process.argv.includes('--json');
buildProgram()
  .parseAsync(process.argv)
  .then(
    () => {
      process.exitCode ??= 0;
    },
    (error: unknown) => {
      process.exitCode = reportError(error, json);
    },
  );
