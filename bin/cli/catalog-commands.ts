import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../functions/core/errors';
import type { Backup } from '../../functions/core/model/backup';
import { BackupStatusSchema } from '../../functions/core/model/enums';
import {
  DATABASE_KINDS,
  type CredentialRef,
  type DatabaseKind,
  type Target,
} from '../../functions/core/model/target';
import { credentialRef } from './database-options';
import type { Page } from '../../functions/core/ports/catalog';
import { addTarget, getTarget, removeTarget, testTarget } from '../../functions/core/services/targets';
import { parseDatabaseUrl } from '../../functions/sources/database/url';
import { readExcludeFile } from '../../functions/sources/filesystem/exclude';
import { formatBytes, formatTable, printJson, say, type GlobalOptions } from './output';
import { withSystem } from './with-system';
import { allItems } from '../../functions/core/services/catalog/pages';

interface TargetAddOptions extends GlobalOptions {
  type: string;
  path: string[];
  exclude: string[];
  excludeFile: string[];
  oneFileSystem?: boolean;
  url?: string;
  passwordEnv?: string;
  passwordFile?: string;
  passwordSecret?: string;
  tlsMode?: string;
  tlsCa?: string;
  mode?: string;
  schema: string[];
  table: string[];
  excludeTable: string[];
  component: string[];
  preHook: string[];
  postHook: string[];
  hookTimeout?: number;
  description?: string;
}

/** A hook as the CLI takes it: a JSON array of strings, the command and its arguments. */
function parseHook(
  text: string,
  timeout: number | undefined,
): { command: string[]; timeout_seconds?: number } {
  let command: unknown;
  try {
    command = JSON.parse(text);
  } catch {
    command = undefined;
  }
  if (
    !Array.isArray(command) ||
    command.length === 0 ||
    !command.every((a) => typeof a === 'string' && a !== '')
  )
    throw new InputError(
      `The hook ${text} is not a JSON array of strings.`,
      'Give the command and its arguments as a JSON array, e.g. --pre-hook \'["/usr/local/bin/app", "freeze"]\' (it runs without a shell).',
    );
  return { command: command as string[], ...(timeout === undefined ? {} : { timeout_seconds: timeout }) };
}

function applicationConfig(options: TargetAddOptions): Record<string, unknown> {
  if (options.component.length === 0)
    throw new InputError(
      'An application target needs --component TARGET (repeat it).',
      'Add its files and databases as targets first.',
    );
  return {
    kind: 'application',
    components: options.component,
    pre_hooks: options.preHook.map((h) => parseHook(h, options.hookTimeout)),
    post_hooks: options.postHook.map((h) => parseHook(h, options.hookTimeout)),
  };
}

function filesystemConfig(options: TargetAddOptions): Record<string, unknown> {
  const paths = options.path.map((p) => resolve(p));
  for (const p of paths)
    if (!existsSync(p))
      throw new InputError(
        `The path ${p} does not exist.`,
        'Check the path; a target names directories that are there to back up.',
      );
  const exclude = [...options.exclude, ...options.excludeFile.flatMap(readExcludeFile)];
  return { kind: 'filesystem', paths, exclude, one_file_system: options.oneFileSystem ?? false };
}

function databaseConfig(kind: DatabaseKind, options: TargetAddOptions): Record<string, unknown> {
  if (!options.url)
    throw new InputError(
      `A ${kind} target needs --url.`,
      'For example: --url postgresql://backup@db.internal:5432/app --password-env PGPASSWORD_APP.',
    );
  if (options.path.length > 0)
    throw new InputError('--path is for filesystem targets.', 'Name the database in --url.');
  const url = parseDatabaseUrl(kind, options.url);
  if (options.mode !== undefined && kind !== 'postgres')
    throw new InputError('--mode is for PostgreSQL targets.', 'Leave it out.');
  if (kind !== 'postgres' && options.schema.length > 0)
    throw new InputError(
      `${kind === 'mysql' ? 'MySQL' : 'MongoDB'} has no schemas inside a database.`,
      'Make one target per database.',
    );
  if (kind === 'mongodb' && options.table.length > 0)
    throw new InputError(
      'A MongoDB target backs up the whole database.',
      'Leave collections out with --exclude-table; restore chosen ones with `lifeboat restore ID --table COLLECTION`.',
    );
  return {
    kind,
    host: url.host,
    port: url.port,
    user: url.user,
    database: url.database,
    password: credentialRef(options),
    tls: {
      mode: options.tlsMode ?? url.tls?.mode ?? 'prefer',
      ca_file: options.tlsCa ? resolve(options.tlsCa) : null,
    },
    ...(kind === 'postgres' ? { schemas: options.schema, mode: options.mode ?? 'logical' } : {}),
    ...(kind === 'mongodb' ? {} : { tables: options.table }),
    exclude_tables: options.excludeTable,
  };
}

export function runTargetAdd(name: string, options: TargetAddOptions): Promise<void> {
  const config =
    options.type === 'application'
      ? applicationConfig(options)
      : options.type === 'filesystem'
        ? filesystemConfig(options)
        : (DATABASE_KINDS as readonly string[]).includes(options.type)
          ? databaseConfig(options.type as DatabaseKind, options)
          : { kind: options.type };
  return withSystem(options, async ({ ctx }) => {
    const target = await addTarget(ctx, {
      name,
      target_config: config,
      description: options.description ?? null,
    });
    if (options.json) printJson(target);
    else say(`Target "${target.name}" (${target.target_config.kind}) added: ${describeTarget(target)}.`);
  });
}

/** A target's source in one line: its paths, or user@host:port/database. */
function describeTarget(t: Target): string {
  const c = t.target_config;
  if (c.kind === 'filesystem') return c.paths.join(', ');
  if (c.kind === 'application') return `${c.components.join(' + ')}`;
  return `${c.user}@${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}/${c.database}`;
}

function describeCredential(ref: CredentialRef): string {
  switch (ref.source) {
    case 'none':
      return 'none (the server trusts this client, or the tools find one)';
    case 'env':
      return `from the variable ${ref.variable}`;
    case 'file':
      return `from the file ${ref.path}`;
    case 'secret':
      return `from the secret ${ref.arn}`;
  }
}

function targetDetails(t: Target): string[] {
  const c = t.target_config;
  if (c.kind === 'application')
    return [
      `components:   ${c.components.join(', ')}`,
      `pre-hooks:    ${c.pre_hooks.map((h) => JSON.stringify(h.command)).join(', ') || '-'}`,
      `post-hooks:   ${c.post_hooks.map((h) => JSON.stringify(h.command)).join(', ') || '-'}`,
    ];
  if (c.kind === 'filesystem')
    return [
      `paths:        ${describeTarget(t)}`,
      `exclude:      ${c.exclude.join(', ') || '-'}`,
      `one fs:       ${c.one_file_system ? 'yes' : 'no'}`,
    ];
  return [
    `server:       ${describeTarget(t)}`,
    `password:     ${describeCredential(c.password)}`,
    `tls:          ${c.tls.mode}${c.tls.ca_file ? ` (CA ${c.tls.ca_file})` : ''}`,
    ...(c.kind === 'postgres' ? [`schemas:      ${c.schemas.join(', ') || 'all'}`] : []),
    ...(c.kind === 'mongodb' ? [] : [`tables:       ${c.tables.join(', ') || 'all'}`]),
    `exclude:      ${c.exclude_tables.join(', ') || '-'}`,
  ];
}

export function runTargetTest(name: string, options: GlobalOptions): Promise<void> {
  return withSystem(options, async ({ ctx }) => {
    const result = await testTarget(ctx, name);
    if (options.json) return printJson(result);
    const parts = [
      result.server_version ? `server ${result.server_version}` : undefined,
      result.tool ? `${result.tool.name} ${result.tool.version}` : undefined,
      `${formatBytes(result.size_bytes)} to back up`,
    ].filter(Boolean);
    say(`Target "${name}" is reachable: ${parts.join(', ')}.`);
  });
}

export function runTargetList(options: GlobalOptions): Promise<void> {
  return withSystem(options, async ({ catalog }) => {
    const targets = await allItems((cursor) => catalog.listTargets({ limit: 1000, cursor }));
    if (options.json) return printJson(targets);
    if (targets.length === 0)
      return say('No targets yet. Add one with `lifeboat target add NAME --type filesystem --path DIR`.');
    const rows = [
      ['NAME', 'TYPE', 'SOURCE'],
      ...targets.map((t) => [t.name, t.target_config.kind, describeTarget(t)]),
    ];
    process.stdout.write(`${formatTable(rows)}\n`);
  });
}

export function runTargetShow(name: string, options: GlobalOptions): Promise<void> {
  return withSystem(options, async ({ ctx, catalog }) => {
    const target = await getTarget(ctx, name);
    const last = await catalog.latestCompleted(name);
    if (options.json) return printJson({ ...target, last_completed_backup: last ?? null });
    process.stdout.write(
      [
        `name:         ${target.name}`,
        `type:         ${target.target_config.kind} (${target.target_type})`,
        ...targetDetails(target),
        `description:  ${target.description ?? '-'}`,
        `created:      ${target.created_at}`,
        `last backup:  ${last ? `${last.id} (${last.completed_at ?? ''}, ${formatBytes(last.original_size_bytes ?? 0)})` : 'none'}`,
      ].join('\n') + '\n',
    );
  });
}

export function runTargetRemove(name: string, options: GlobalOptions): Promise<void> {
  return withSystem(options, async ({ ctx }) => {
    await removeTarget(ctx, name);
    if (options.json) printJson({ removed: name });
    else say(`Target "${name}" removed; its backups stay and can be restored.`);
  });
}

interface BackupsOptions extends GlobalOptions {
  target?: string;
  schedule?: string;
  status?: string;
  limit: number;
  cursor?: string;
}

export function runBackups(options: BackupsOptions): Promise<void> {
  const status = options.status === undefined ? undefined : BackupStatusSchema.safeParse(options.status);
  if (status && !status.success)
    throw new InputError(
      `"${options.status}" is not a backup status.`,
      `Use one of: ${BackupStatusSchema.options.join(', ')}.`,
    );
  const page = { limit: options.limit, cursor: options.cursor };
  return withSystem(options, async ({ catalog }) => {
    let result: Page<Backup>;
    if (options.schedule) {
      const schedule = await catalog.getScheduleByName(options.schedule);
      if (!schedule)
        throw new InputError(
          `No schedule "${options.schedule}".`,
          'List schedules with `lifeboat schedule list`.',
        );
      result = await catalog.listBackupsBySchedule(schedule.id, page);
      if (status?.data) result = { ...result, items: result.items.filter((b) => b.status === status.data) };
    } else if (options.target) {
      result = await catalog.listBackupsByTarget(options.target, { ...page, status: status?.data });
    } else if (status?.data) {
      result = await catalog.listBackupsByStatus(status.data, page);
    } else {
      result = await catalog.listBackups(page);
    }
    printBackups(result, options);
  });
}

/** A page of backups: a table (and where the next page starts), or JSON. */
export function printBackups(result: Page<Backup>, options: GlobalOptions): void {
  if (options.json) return printJson(result);
  if (result.items.length === 0) return say('No backups recorded.');
  const rows = [
    ['ID', 'TARGET', 'TYPE', 'STATUS', 'PROGRESS', 'SIZE', 'STORED', 'CREATED', 'ERROR'],
    ...result.items.map((b) => [
      b.id,
      b.target_identifier,
      b.backup_type,
      b.status,
      `${b.progress}%`,
      b.original_size_bytes === null ? '-' : formatBytes(b.original_size_bytes),
      b.final_size_bytes === null ? '-' : formatBytes(b.final_size_bytes),
      b.created_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      b.error_message ?? '',
    ]),
  ];
  process.stdout.write(`${formatTable(rows)}\n`);
  if (result.next) say(`More: --cursor ${result.next}`);
}
