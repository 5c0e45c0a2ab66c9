import { Command, InvalidArgumentError, Option } from 'commander';
import { runBackup } from './backup';
import { runCheck } from './check';
import { runDebugChunk } from './debug';
import { DEFAULT_CHUNKER } from '../../functions/repository/repository';
import { runInit } from './init';
import { runRestore } from './restore';
import { runDiff, runLs } from './browse';
import { runSnapshots } from './snapshots';

export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function buildProgram(): Command {
  const program = new Command('lifeboat')
    .description(
      'Back up streams, databases and files into an encrypted, deduplicated repository, and restore them.',
    )
    .option('--repo <path>', 'repository directory (default: $LIFEBOAT_HOME/repository)')
    .option('--key-file <path>', 'key file (default: $LIFEBOAT_KEY_FILE or $LIFEBOAT_HOME/key)')
    .option('--json', 'machine-readable output on stdout')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride();

  program
    .command('init')
    .description('create a repository and its key (backup does this on first use, with the defaults)')
    .addOption(
      new Option('--compression <alg>', 'compression of new chunks')
        .choices(['zstd', 'gzip', 'none'])
        .default('zstd'),
    )
    .option('--compression-level <n>', 'level (zstd 1-19, gzip 1-9; default 3 and 6)', parseInteger)
    .option('--chunk-min <bytes>', 'minimum chunk size', parseInteger, DEFAULT_CHUNKER.min)
    .option('--chunk-avg <bytes>', 'average chunk size', parseInteger, DEFAULT_CHUNKER.avg)
    .option('--chunk-max <bytes>', 'maximum chunk size', parseInteger, DEFAULT_CHUNKER.max)
    .action((_opts, cmd: Command) => runInit(cmd.optsWithGlobals()));

  program
    .command('backup')
    .description(
      'back up files and directories (`lifeboat backup /srv/data`) or a stream (`pg_dump db | lifeboat backup --stdin --name db`)',
    )
    .argument('[paths...]', 'files and directories to back up')
    .option('--stdin', 'read the data to back up from standard input')
    .option(
      '--name <name>',
      'name of what is backed up; backups of one name form its history (default for one path: its last component)',
    )
    .option(
      '--exclude <glob>',
      'skip matching paths (a name at any depth, or an absolute path with /)',
      collect,
      [],
    )
    .option('--exclude-file <file>', 'read exclude patterns from FILE, one per line', collect, [])
    .option('--one-file-system', 'do not cross into other filesystems (mount points are kept, empty)')
    .option('--strict', 'fail, saving no snapshot, when a file cannot be read')
    .addOption(
      new Option(
        '--type <type>',
        'full: no parent; incremental: dedup against the latest backup of the name; differential: against the latest full',
      )
        .choices(['full', 'incremental', 'differential'])
        .default('incremental'),
    )
    .action((paths: string[], _opts, cmd: Command) => runBackup(paths, cmd.optsWithGlobals()));

  program
    .command('restore')
    .description('restore a backup; ID is a backup id, a unique prefix of one, or latest:NAME')
    .argument('<id>', 'backup to restore')
    .option('--stdout', 'write the backed-up stream to standard output')
    .option('--target <dir>', 'restore a file backup into DIR (created when missing)')
    .option(
      '--include <path>',
      'restore only this snapshot path (and what is below it); repeatable',
      collect,
      [],
    )
    .option(
      '--exclude <path>',
      'do not restore this snapshot path (and what is below it); repeatable',
      collect,
      [],
    )
    .addOption(
      new Option(
        '--overwrite <mode>',
        'existing files: never (keep), if-changed (size or mtime differ), always',
      ).choices(['never', 'if-changed', 'always']),
    )
    .option('--delete', 'remove files in the target that the backup does not hold')
    .action((id: string, _opts, cmd: Command) => runRestore(id, cmd.optsWithGlobals()));

  program
    .command('ls')
    .description('list the files of a file backup (all, or those at and below PATH)')
    .argument('<id>', 'backup: an id, a unique prefix of one, or latest:NAME')
    .argument('[path]', 'path inside the backup, as ls shows it')
    .option('-l, --long', 'type, mode, owner, size and modification time')
    .action((id: string, path: string | undefined, _opts, cmd: Command) =>
      runLs(id, path, cmd.optsWithGlobals()),
    );

  program
    .command('diff')
    .description('paths added (+), removed (-) and changed (M) between two file backups')
    .argument('<id1>', 'the older backup')
    .argument('<id2>', 'the newer backup')
    .action((id1: string, id2: string, _opts, cmd: Command) => runDiff(id1, id2, cmd.optsWithGlobals()));

  program
    .command('snapshots')
    .description('list backups, oldest first')
    .option('--name <name>', 'only backups of this name')
    .action((_opts, cmd: Command) => runSnapshots(cmd.optsWithGlobals()));

  program
    .command('check')
    .description('verify the repository; exit status 0 only when everything is intact')
    .option('--read-data', 'also decrypt and re-hash every chunk (reads the whole repository)')
    .action((_opts, cmd: Command) => runCheck(cmd.optsWithGlobals()));

  const debug = program.command('debug').description('tools for developers');
  debug
    .command('chunk')
    .description('print the chunks of FILE (unkeyed FastCDC-2020): offset, length, sha256, gear hash')
    .argument('<file>')
    .requiredOption('--min <bytes>', 'minimum chunk size', parseInteger)
    .requiredOption('--avg <bytes>', 'average chunk size', parseInteger)
    .requiredOption('--max <bytes>', 'maximum chunk size', parseInteger)
    .option('--level <level>', 'normalization level 0-3', parseInteger, 1)
    .option('--seed <seed>', '64-bit seed XORed into the gear table', '0')
    .action((file: string, _opts, cmd: Command) => runDebugChunk(file, cmd.optsWithGlobals()));

  return program;
}
