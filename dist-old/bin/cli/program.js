"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseInteger = parseInteger;
exports.buildProgram = buildProgram;
const commander_1 = require("commander");
const chunker_1 = require("../../functions/repository/chunker");
const api_choice_1 = require("./api-choice");
const version_1 = require("./version");
/**
 * A command's module is loaded when the command runs, not when the CLI starts: a backup does not
 * load the API server, the admin commands or the API client (about 40 ms and 6 MiB of every run).
 */
function later(load, name) {
    const call = async (...args) => load()[name](...args);
    return call;
}
// require, not import(): under module node16 TypeScript keeps import() as an ES module import,
// which CommonJS code (and jest) should not mix in.
/* eslint-disable @typescript-eslint/no-require-imports */
const loadAdmin = () => require('./admin');
const runAudit = later(loadAdmin, 'runAudit');
const runCatalogRebuild = later(loadAdmin, 'runCatalogRebuild');
const loadBackup = () => require('./backup');
const runBackup = later(loadBackup, 'runBackup');
const loadRetention = () => require('./retention');
const runGc = later(loadRetention, 'runGc');
const runRetentionApply = later(loadRetention, 'runRetentionApply');
const loadScheduleCommands = () => require('./schedule-commands');
const runScheduleAdd = later(loadScheduleCommands, 'runScheduleAdd');
const runScheduleEnable = later(loadScheduleCommands, 'runScheduleEnable');
const runScheduleList = later(loadScheduleCommands, 'runScheduleList');
const runScheduleRemove = later(loadScheduleCommands, 'runScheduleRemove');
const runScheduleRun = later(loadScheduleCommands, 'runScheduleRun');
const runScheduleShow = later(loadScheduleCommands, 'runScheduleShow');
const loadApi = () => require('./api');
const runApi = later(loadApi, 'runApi');
const loadRemote = () => require('./remote');
const remoteBackups = later(loadRemote, 'remoteBackups');
const remoteCancel = later(loadRemote, 'remoteCancel');
const remoteScheduleAdd = later(loadRemote, 'remoteScheduleAdd');
const remoteScheduleEnable = later(loadRemote, 'remoteScheduleEnable');
const remoteScheduleList = later(loadRemote, 'remoteScheduleList');
const remoteScheduleRemove = later(loadRemote, 'remoteScheduleRemove');
const remoteScheduleRun = later(loadRemote, 'remoteScheduleRun');
const remoteScheduleShow = later(loadRemote, 'remoteScheduleShow');
const remoteVerify = later(loadRemote, 'remoteVerify');
const loadCancel = () => require('./cancel');
const runCancel = later(loadCancel, 'runCancel');
const loadServe = () => require('./serve');
const runServe = later(loadServe, 'runServe');
const loadVerify = () => require('./verify');
const runVerifications = later(loadVerify, 'runVerifications');
const runVerify = later(loadVerify, 'runVerify');
const loadCatalogCommands = () => require('./catalog-commands');
const runBackups = later(loadCatalogCommands, 'runBackups');
const runTargetAdd = later(loadCatalogCommands, 'runTargetAdd');
const runTargetList = later(loadCatalogCommands, 'runTargetList');
const runTargetRemove = later(loadCatalogCommands, 'runTargetRemove');
const runTargetShow = later(loadCatalogCommands, 'runTargetShow');
const runTargetTest = later(loadCatalogCommands, 'runTargetTest');
const loadCheck = () => require('./check');
const runCheck = later(loadCheck, 'runCheck');
const loadCost = () => require('./cost');
const runCost = later(loadCost, 'runCost');
const loadDebug = () => require('./debug');
const runDebugChunk = later(loadDebug, 'runDebugChunk');
const loadInit = () => require('./init');
const runInit = later(loadInit, 'runInit');
const loadKeys = () => require('./keys');
const runKeyAdd = later(loadKeys, 'runKeyAdd');
const runKeyList = later(loadKeys, 'runKeyList');
const runKeyRemove = later(loadKeys, 'runKeyRemove');
const runKeyRotate = later(loadKeys, 'runKeyRotate');
const loadReplicate = () => require('./replicate');
const runReplicate = later(loadReplicate, 'runReplicate');
const loadRestore = () => require('./restore');
const runRestore = later(loadRestore, 'runRestore');
const loadBrowse = () => require('./browse');
const runDiff = later(loadBrowse, 'runDiff');
const runLs = later(loadBrowse, 'runLs');
const loadSnapshots = () => require('./snapshots');
const runSnapshots = later(loadSnapshots, 'runSnapshots');
const loadWal = () => require('./wal');
const runWalFetch = later(loadWal, 'runWalFetch');
const runWalPush = later(loadWal, 'runWalPush');
const loadRetentionPolicy = () => require('../../functions/core/services/retention/policy');
/* eslint-enable @typescript-eslint/no-require-imports */
function parseInteger(value) {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0)
        throw new commander_1.InvalidArgumentError('must be a whole number');
    return n;
}
/** `--api URL`: the command goes to a deployed API (SigV4-signed) or `lifeboat serve`, not the local catalog. */
function apiOption(description = 'do it through this API instead of here: a deployment (https://ID.execute-api.REGION.amazonaws.com/v1, SigV4-signed) or `lifeboat serve` (default $LIFEBOAT_API)') {
    return new commander_1.Option('--api <url>', description);
}
/** The command's local or API implementation, by whether an API was chosen. */
function either(cmd, local, remote) {
    const options = cmd.optsWithGlobals();
    return (0, api_choice_1.apiChosen)(options) ? remote(options) : local(options);
}
function collect(value, previous) {
    return [...previous, value];
}
function buildProgram() {
    const program = new commander_1.Command('lifeboat')
        .description('Back up streams, databases and files into an encrypted, deduplicated repository, and restore them.')
        .option('--repo <url>', 'repository: a directory, s3://BUCKET[/PREFIX] or azure://ACCOUNT/CONTAINER[/PREFIX] (default: $LIFEBOAT_REPO or $LIFEBOAT_HOME/repository)')
        .option('--key-file <path>', 'key file (default: $LIFEBOAT_KEY_FILE or $LIFEBOAT_HOME/key)')
        .option('--json', 'machine-readable output on stdout')
        .version((0, version_1.lifeboatVersion)(), '-V, --version', 'print the version of Lifeboat')
        .showHelpAfterError()
        .configureOutput({ outputError: (text, write) => write(text) })
        .exitOverride();
    program
        .command('init')
        .description('create a repository and its key (backup does this on first use, with the defaults)')
        .addOption(new commander_1.Option('--compression <alg>', 'compression of new chunks')
        .choices(['zstd', 'gzip', 'none'])
        .default('zstd'))
        .option('--compression-level <n>', 'level (zstd 1-19, gzip 1-9; default 3 and 6)', parseInteger)
        .option('--chunk-min <bytes>', 'minimum chunk size', parseInteger, chunker_1.DEFAULT_CHUNKER.min)
        .option('--chunk-avg <bytes>', 'average chunk size', parseInteger, chunker_1.DEFAULT_CHUNKER.avg)
        .option('--chunk-max <bytes>', 'maximum chunk size', parseInteger, chunker_1.DEFAULT_CHUNKER.max)
        .option('--kms <arn>', 'protect the master key with this AWS KMS key instead of a key file (default: $LIFEBOAT_KMS_KEY_ID)')
        .action((_opts, cmd) => runInit(cmd.optsWithGlobals()));
    program
        .command('backup')
        .description('back up files and directories (`lifeboat backup /srv/data`), a target (`--target web`) or a stream (`pg_dump db | lifeboat backup --stdin --name db`); runs the backup workflow and records the backup in the catalog')
        .argument('[paths...]', 'files and directories to back up')
        .option('--stdin', 'read the data to back up from standard input')
        .option('--target <name>', 'back up a target recorded with `lifeboat target add`')
        .option('--name <name>', 'name of what is backed up; backups of one name form its history (default for one path: its last component)')
        .option('--exclude <glob>', 'skip matching paths (a name at any depth, or an absolute path with /)', collect, [])
        .option('--exclude-file <file>', 'read exclude patterns from FILE, one per line', collect, [])
        .option('--one-file-system', 'do not cross into other filesystems (mount points are kept, empty)')
        .option('--strict', 'fail, saving no snapshot, when a file cannot be read')
        .option('--replicate-to <url>', 'also copy the backup to this repository URL once written (see `lifeboat replicate`); repeatable', collect, [])
        .addOption(new commander_1.Option('--type <type>', 'full: no parent; incremental: dedup against the latest backup of the name; differential: against the latest full')
        .choices(['full', 'incremental', 'differential'])
        .default('incremental'))
        .action((paths, _opts, cmd) => runBackup(paths, cmd.optsWithGlobals()));
    program
        .command('restore')
        .description('restore a backup; ID is a backup id, a unique prefix of one, or latest:NAME')
        .argument('<id>', 'backup to restore')
        .option('--from <url>', 'read the data from this copy of the repository (see `lifeboat replicate`)')
        .option('--stdout', 'write the backed-up stream to standard output')
        .option('--target <dir>', 'restore a file backup into DIR (created when missing)')
        .option('--include <path>', 'restore only this snapshot path (and what is below it); repeatable', collect, [])
        .option('--exclude <path>', 'do not restore this snapshot path (and what is below it); repeatable', collect, [])
        .option('--overwrite [mode]', 'files: never (keep existing), if-changed (size or mtime differ) or always; database: replace it (bare flag)')
        .option('--database <name>', 'restore a database dump into this database (created; see --overwrite)')
        .option('--in-place', 'restore an application backup: every component where it came from (see --overwrite)')
        .option('--target-dir <dir>', 'restore a PostgreSQL base backup into this new data directory, set up to recover')
        .option('--point-in-time <time>', 'with --target-dir: recover to this moment (ISO 8601 with a zone, e.g. 2026-11-26T10:15:00Z); default: the end of the WAL archive')
        .option('--url <url>', "database: another server than the backup's, e.g. postgresql://admin@db2:5432")
        .option('--password-env <var>', 'database with --url: the variable that holds the password')
        .option('--password-file <file>', 'database with --url: a .pgpass or MySQL option file')
        .option('--password-secret <arn>', 'database with --url: a Secrets Manager secret holding it')
        .option('--schema <name>', 'database: restore only this schema (repeatable)', collect, [])
        .option('--table <name>', 'database: restore only this table, NAME or SCHEMA.NAME (repeatable)', collect, [])
        .option('--delete', 'remove files in the target that the backup does not hold')
        .option('--read-back', "files: after restoring, read every file back and compare its bytes with the backup's (slower; by default each chunk is checked against its id before it is written, and the restored tree for its entries, types and sizes)")
        .option('--validate-only', 'check that the restore can be done (backup, paths, target) and write nothing')
        .addOption(apiOption())
        .action((id, _opts, cmd) => runRestore(id, cmd.optsWithGlobals()));
    program
        .command('ls')
        .description('list the files of a file backup (all, or those at and below PATH)')
        .argument('<id>', 'backup: an id, a unique prefix of one, or latest:NAME')
        .argument('[path]', 'path inside the backup, as ls shows it')
        .option('-l, --long', 'type, mode, owner, size and modification time')
        .action((id, path, _opts, cmd) => runLs(id, path, cmd.optsWithGlobals()));
    program
        .command('diff')
        .description('paths added (+), removed (-) and changed (M) between two file backups')
        .argument('<id1>', 'the older backup')
        .argument('<id2>', 'the newer backup')
        .action((id1, id2, _opts, cmd) => runDiff(id1, id2, cmd.optsWithGlobals()));
    program
        .command('snapshots')
        .description('list backups, oldest first')
        .option('--name <name>', 'only backups of this name')
        .action((_opts, cmd) => runSnapshots(cmd.optsWithGlobals()));
    program
        .command('wal-push')
        .description("archive a WAL file: PostgreSQL's archive_command = 'lifeboat wal-push %p --target NAME'")
        .argument('<path>', 'the WAL file (%p)')
        .requiredOption('--target <name>', 'the physical target whose archive it belongs to')
        .action((file, _opts, cmd) => runWalPush(file, cmd.optsWithGlobals()));
    program
        .command('wal-fetch')
        .description("fetch an archived WAL file: restore_command = 'lifeboat wal-fetch %f %p --target NAME' (written by restore --target-dir)")
        .argument('<name>', 'the WAL file name (%f)')
        .argument('<path>', 'where to write it (%p)')
        .requiredOption('--target <name>', 'the physical target whose archive to read')
        .action((name, dest, _opts, cmd) => runWalFetch(name, dest, cmd.optsWithGlobals()));
    const target = program.command('target').description('named sources of backups, kept in the catalog');
    target
        .command('add')
        .description('record a target: `lifeboat target add web --type filesystem --path /srv/www`')
        .argument('<name>', "the target's name (also the name of its backups)")
        .requiredOption('--type <type>', 'what it is: filesystem, postgres, mysql (MySQL and MariaDB), mongodb or application')
        .option('--path <dir>', 'filesystem: a directory or file to back up (repeatable)', collect, [])
        .option('--exclude <glob>', 'filesystem: skip matching paths (repeatable)', collect, [])
        .option('--exclude-file <file>', 'filesystem: read exclude patterns from FILE, one per line', collect, [])
        .option('--one-file-system', 'filesystem: do not cross into other filesystems')
        .option('--url <url>', 'database: the server and database, e.g. postgresql://backup@db:5432/app or mysql://backup@db:3306/app (no password)')
        .option('--password-env <var>', 'database: the environment variable that holds the password')
        .option('--password-file <file>', 'database: a .pgpass file (PostgreSQL), an option file with password= (MySQL) or a tools --config YAML file (MongoDB)')
        .option('--password-secret <arn>', 'database: an AWS Secrets Manager secret holding the password')
        .addOption(new commander_1.Option('--tls-mode <mode>', 'database: TLS (libpq sslmode; default prefer)').choices([
        'disable',
        'prefer',
        'require',
        'verify-ca',
        'verify-full',
    ]))
        .option('--tls-ca <file>', "database: the CA certificate that signs the server's certificate")
        .option('--schema <name>', 'postgres: back up only this schema (repeatable)', collect, [])
        .option('--table <name>', 'database: back up only this table, NAME or SCHEMA.NAME (repeatable)', collect, [])
        .option('--exclude-table <name>', 'database: leave this table out (repeatable)', collect, [])
        .addOption(new commander_1.Option('--mode <mode>', 'postgres: logical (pg_dump of the database) or physical (pg_basebackup of the cluster, for point-in-time recovery with `lifeboat wal-push`)').choices(['logical', 'physical']))
        .option('--component <target>', 'application: a target (files or a database) in the set (repeatable)', collect, [])
        .option('--pre-hook <json>', 'application: a command run before, as a JSON array, e.g. \'["app","freeze"]\' (repeatable)', collect, [])
        .option('--post-hook <json>', 'application: a command run after, even when the backup failed (repeatable)', collect, [])
        .option('--hook-timeout <seconds>', 'application: how long each hook may run (default 300)', parseInteger)
        .option('--description <text>', 'a note for people')
        .action((name, _opts, cmd) => runTargetAdd(name, cmd.optsWithGlobals()));
    target
        .command('list')
        .description('list targets')
        .action((_opts, cmd) => runTargetList(cmd.optsWithGlobals()));
    target
        .command('show')
        .description('show a target and its latest completed backup')
        .argument('<name>')
        .action((name, _opts, cmd) => runTargetShow(name, cmd.optsWithGlobals()));
    target
        .command('test')
        .description('connect to a target (or read its paths) and report its version and size')
        .argument('<name>')
        .action((name, _opts, cmd) => runTargetTest(name, cmd.optsWithGlobals()));
    target
        .command('remove')
        .description('remove a target no schedule uses (its backups stay)')
        .argument('<name>')
        .action((name, _opts, cmd) => runTargetRemove(name, cmd.optsWithGlobals()));
    const schedule = program
        .command('schedule')
        .description('backups that run by themselves, at cron times (while `lifeboat serve` runs)');
    schedule
        .command('add')
        .description('add a schedule: `lifeboat schedule add nightly --target web --cron "0 2 * * *" --timezone Europe/Berlin`')
        .argument('<name>')
        .requiredOption('--target <name>', 'the target to back up')
        .requiredOption('--cron <expression>', 'five fields: minute hour day-of-month month day-of-week')
        .option('--timezone <zone>', 'IANA time zone of the cron times', 'UTC')
        .addOption(new commander_1.Option('--type <type>', 'backup type')
        .choices(['full', 'incremental', 'differential'])
        .default('incremental'))
        .option('--retention <rules>', 'e.g. keep-daily=7,keep-weekly=4,keep-monthly=12,keep-within=30d')
        .option('--no-verify', 'do not verify its backups after they complete')
        .option('--disabled', 'add it disabled')
        .option('--description <text>', 'a note for people')
        .option('--replicate-to <url>', 'copy each backup to this repository URL too (3-2-1: another bucket, container or disk); repeatable', collect, [])
        .addOption(apiOption())
        .action(async (name, _opts, cmd) => {
        const o = cmd.optsWithGlobals();
        if (!(0, api_choice_1.apiChosen)(o))
            return runScheduleAdd(name, o);
        const { parseRetentionPolicy } = loadRetentionPolicy();
        return remoteScheduleAdd(name, {
            target: o.target,
            schedule_cron: o.cron,
            timezone: o.timezone,
            backup_type: o.type,
            retention_policy: o.retention ? parseRetentionPolicy(o.retention) : {},
            verification_enabled: o.verify,
            enabled: !o.disabled,
            description: o.description ?? null,
            replicas: o.replicateTo,
        }, o);
    });
    schedule
        .command('list')
        .description('list schedules with their next run')
        .addOption(apiOption())
        .action((_opts, cmd) => either(cmd, runScheduleList, remoteScheduleList));
    schedule
        .command('show')
        .description('show a schedule, its next runs and its recent backups')
        .argument('<name>')
        .addOption(apiOption())
        .action((name, _opts, cmd) => either(cmd, (o) => runScheduleShow(name, o), (o) => remoteScheduleShow(name, o)));
    schedule
        .command('enable')
        .argument('<name>')
        .addOption(apiOption())
        .action((name, _opts, cmd) => either(cmd, (o) => runScheduleEnable(name, true, o), (o) => remoteScheduleEnable(name, true, o)));
    schedule
        .command('disable')
        .argument('<name>')
        .addOption(apiOption())
        .action((name, _opts, cmd) => either(cmd, (o) => runScheduleEnable(name, false, o), (o) => remoteScheduleEnable(name, false, o)));
    schedule
        .command('remove')
        .description('remove a schedule (its backups stay)')
        .argument('<name>')
        .addOption(apiOption())
        .action((name, _opts, cmd) => either(cmd, (o) => runScheduleRemove(name, o), (o) => remoteScheduleRemove(name, o)));
    schedule
        .command('run')
        .description("run a schedule's backup workflow now and wait for it (--no-wait: print the backup id and return)")
        .argument('<name>')
        .option('--no-wait', 'start it in the background and return its backup id')
        .addOption(apiOption())
        .action((name, _opts, cmd) => either(cmd, (o) => runScheduleRun(name, o), (o) => remoteScheduleRun(name, o.wait, o)));
    program
        .command('verify')
        .description('verify a backup with the verify workflow and record the result (exit status 11 when it fails)')
        .argument('<id>', 'a backup id, a unique prefix of one, or latest:NAME')
        .option('--type <type>', 'checksum (the recorded checksum, recomputed), integrity_check (every chunk read and verified), restore_test (a real restore, read back), full_verification (all three)', 'checksum')
        .addOption(apiOption())
        .action((id, _opts, cmd) => either(cmd, (o) => runVerify(id, o), (o) => remoteVerify(id, o.type, o)));
    program
        .command('verifications')
        .description('list recorded verifications, newest first')
        .option('--backup <id>', 'only those of this backup (a full id)')
        .option('--limit <n>', 'at most N (1-1000)', parseInteger, 50)
        .action((_opts, cmd) => runVerifications(cmd.optsWithGlobals()));
    program
        .command('audit')
        .description('every recorded action (schedule changes, backups, restores, verifications, deletions): who, what, when')
        .option('--since <when>', 'from this time: 2026-11-26, 2026-11-26T10:00Z, or back from now: 24h, 7d')
        .option('--until <when>', 'before this time (same forms)')
        .option('--user <name>', "only this user's actions")
        .option('--limit <n>', 'at most N entries (1-1000)', parseInteger, 100)
        .action((_opts, cmd) => runAudit(cmd.optsWithGlobals()));
    program
        .command('catalog')
        .description('the catalog of backups, schedules and jobs')
        .command('rebuild')
        .description('regenerate the backups (and missing targets) from the repository alone')
        .action((_opts, cmd) => runCatalogRebuild(cmd.optsWithGlobals()));
    program
        .command('retention')
        .description("apply schedules' retention policies")
        .command('apply')
        .description("forget the backups each schedule's policy no longer keeps, then collect garbage (the retention workflow)")
        .option('--schedule <name>', "only this schedule's policy")
        .option('--dry-run', 'show what would be forgotten and freed; change nothing')
        .action((_opts, cmd) => runRetentionApply(cmd.optsWithGlobals()));
    program
        .command('gc')
        .description('delete the data no backup references (refused while a backup is writing)')
        .option('--dry-run', 'show what would be deleted; change nothing')
        .action((_opts, cmd) => runGc(cmd.optsWithGlobals()));
    program
        .command('serve')
        .description('run the local engine and scheduler in the foreground until interrupted')
        .option('--no-catch-up', 'do not run, at start, a scheduled time missed while stopped')
        .option('--tick <seconds>', 'how often schedules are looked at', parseInteger, 15)
        .option('--port <port>', 'the HTTP API port (0: any free port)', parseInteger, 8080)
        .option('--host <address>', 'the address the API listens on (another than 127.0.0.1 exposes it)', '127.0.0.1')
        .option('--no-api', 'run the engine and scheduler without the HTTP API')
        .action((_opts, cmd) => runServe(cmd.optsWithGlobals()));
    program
        .command('api')
        .description("one call to Lifeboat's HTTP API: local (`lifeboat serve`) or deployed (SigV4-signed)")
        .argument('<method>', 'GET, POST, PATCH or DELETE')
        .argument('<path>', 'the resource, e.g. /backups?status=running (GET /openapi.json lists them)')
        .addOption(apiOption('the API (default LIFEBOAT_API, else http://127.0.0.1:8080)'))
        .option('--data <json>', 'the request body, or @FILE')
        .option('--idempotency-key <key>', 'start the work once, however often this is repeated')
        .option('--sign-region <region>', 'sign with SigV4 for this region (automatic for execute-api URLs)')
        .action((method, route, _opts, cmd) => runApi(method, route, cmd.optsWithGlobals()));
    program
        .command('cancel')
        .description('cancel a backup or recovery job that has not finished (it stops within seconds)')
        .argument('<id>', 'the backup or recovery job id')
        .addOption(apiOption())
        .action((id, _opts, cmd) => either(cmd, (o) => runCancel(id, o), (o) => remoteCancel(id, o)));
    program
        .command('backups')
        .description('list the backups the catalog records (newest first), with status and progress')
        .option('--target <name>', 'only backups of this target')
        .option('--schedule <name>', 'only backups made by this schedule')
        .option('--status <status>', 'only backups with this status: pending, running, completed, failed, cancelled')
        .option('--limit <n>', 'at most N backups (1-1000)', parseInteger, 50)
        .option('--cursor <cursor>', 'continue a listing where the previous page ended')
        .addOption(apiOption())
        .action((_opts, cmd) => either(cmd, runBackups, (o) => {
        if (o.target)
            throw new commander_1.InvalidArgumentError('Through the API, list by --schedule or --status (not --target).');
        return remoteBackups({
            ...(o.schedule ? { schedule: o.schedule } : {}),
            ...(o.status ? { status: o.status } : {}),
            limit: o.limit,
            ...(o.cursor ? { cursor: o.cursor } : {}),
        }, o);
    }));
    program
        .command('check')
        .description('verify the repository; exit status 0 only when everything is intact')
        .option('--read-data', 'also decrypt and re-hash every chunk (reads the whole repository)')
        .action((_opts, cmd) => runCheck(cmd.optsWithGlobals()));
    program
        .command('replicate')
        .description('copy a backup to another store (a directory, s3://..., azure://...), verify it there and record the copy')
        .argument('<id>', 'backup id, unique prefix, or latest:NAME')
        .requiredOption('--to <url>', 'where the copy goes (made a copy of this repository on first use)')
        .option('--from <url>', 'copy from this copy instead of the primary repository')
        .action((id, _opts, cmd) => runReplicate(id, cmd.optsWithGlobals()));
    program
        .command('cost')
        .description("estimate the repository's monthly storage and request charges")
        .option('--days <n>', 'count the requests of the backups of the last N days', parseInteger, 30)
        .option('--prices <file>', 'a JSON price table instead of the built-in list prices (docs/OPERATIONS.md)')
        .action((_opts, cmd) => runCost(cmd.optsWithGlobals()));
    const key = program
        .command('key')
        .description('the keys that open the repository (key files, passphrases, AWS KMS keys)');
    key
        .command('list')
        .description('list the key slots')
        .action((_opts, cmd) => runKeyList(cmd.optsWithGlobals()));
    key
        .command('add')
        .description('let one more key open the repository (opened with a key it already has)')
        .option('--writer', 'a write-only key: it backs up (deduplicating against everything stored) but cannot read any backup')
        .option('--kms <arn>', 'an AWS KMS key (ARN, id or alias): GenerateDataKey now, Decrypt at each open')
        .option('--new-key-file <path>', 'create a new key file at PATH')
        .option('--passphrase-env <var>', 'a passphrase, read from this environment variable')
        .action((_opts, cmd) => runKeyAdd(cmd.optsWithGlobals()));
    key
        .command('remove')
        .description('remove a key slot (never the last one, nor the one this command opened with)')
        .argument('<id>', 'slot id (see `lifeboat key list`)')
        .action((id, _opts, cmd) => runKeyRemove(id, cmd.optsWithGlobals()));
    key
        .command('rotate')
        .description('make a new master key for new data (old backups stay readable); re-makes every KMS slot and each slot whose key is at hand')
        .action((_opts, cmd) => runKeyRotate(cmd.optsWithGlobals()));
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
        .action((file, _opts, cmd) => runDebugChunk(file, cmd.optsWithGlobals()));
    return program;
}
//# sourceMappingURL=program.js.map