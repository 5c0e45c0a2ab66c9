import { ConflictError, InputError, RecordNotFoundError } from '../errors';
import { NameSchema } from '../model/common';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { resolveCredential } from '../../sources/database/credentials';
import { databaseStrategy } from '../../sources/database/strategies';
import { scanTreeSize } from '../../sources/filesystem/scan';
import {
  TARGET_KINDS,
  TargetConfigSchema,
  targetTypeOf,
  type Target,
  type TargetConfig,
} from '../model/target';
import { audit } from './audit';
import { allItems } from './catalog/pages';
import type { ServiceContext } from './context';
import { checkWorkerPaths } from './worker-files';

export interface AddTargetRequest {
  name: string;
  /** The target's target_config: `kind` and the fields of that kind (model/target.ts). */
  target_config: unknown;
  description?: string | null;
}

/** Checks a target name; InputError with the rule when it is not one. */
export function validateName(what: 'target' | 'schedule', name: string): void {
  const parsed = NameSchema.safeParse(name);
  if (!parsed.success)
    throw new InputError(
      `"${name}" is not a valid ${what} name: it ${parsed.error.issues[0]?.message ?? 'is invalid'}.`,
      `Pick a name such as "web" or "db-main".`,
    );
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Checks a target_config: its kind is known and its fields are what that kind needs. */
export function parseTargetConfig(config: unknown): TargetConfig {
  const kind = (config as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !(TARGET_KINDS as readonly string[]).includes(kind))
    throw new InputError(
      `"${String(kind)}" is not a target type this version knows.`,
      `Use one of: ${TARGET_KINDS.join(', ')}.`,
    );
  const parsed = TargetConfigSchema.safeParse(config);
  if (!parsed.success)
    throw new InputError(
      `The ${kind} target is not valid: ${describeIssues(parsed.error)}.`,
      kind === 'filesystem'
        ? 'Pass --path DIR (repeat it for several).'
        : 'Pass --url URL (host, port, user and database) and how to find the password.',
    );
  return parsed.data;
}

/** Records a target (a named source). Nothing is written unless every part is valid. */
export async function addTarget(ctx: ServiceContext, request: AddTargetRequest): Promise<Target> {
  validateName('target', request.name);
  const config = parseTargetConfig(request.target_config);
  if (config.kind === 'filesystem') checkWorkerPaths(ctx.workerFiles, config.paths, 'back up');
  if (config.kind === 'application')
    for (const component of config.components) {
      const member = await ctx.catalog.getTarget(component);
      if (!member)
        throw new InputError(
          `The component "${component}" is not a target.`,
          'Add its files and databases as targets first (`lifeboat target add`), then the application.',
        );
      if (member.target_config.kind === 'application')
        throw new InputError(
          `The component "${component}" is itself an application.`,
          'Name files and databases only.',
        );
    }
  const now = ctx.now().toISOString();
  const target: Target = {
    name: request.name,
    target_type: targetTypeOf(config.kind),
    target_config: config,
    description: request.description ?? null,
    created_at: now,
    updated_at: now,
  };
  await ctx.catalog.createTarget(target);
  await audit(ctx, {
    operation_type: 'create',
    entity_type: 'target',
    entity_id: target.name,
    action: 'target.create',
    details: { target_type: target.target_type, target_config: target.target_config },
  });
  return target;
}

export async function getTarget(ctx: ServiceContext, name: string): Promise<Target> {
  const target = await ctx.catalog.getTarget(name);
  if (!target) throw new RecordNotFoundError('target', name);
  return target;
}

/** Removes a target that no schedule uses; its backups stay (restorable, listed under its name). */
export async function removeTarget(ctx: ServiceContext, name: string): Promise<void> {
  await getTarget(ctx, name);
  const users = (await allItems((cursor) => ctx.catalog.listSchedules({ limit: 1000, cursor })))
    .filter((s) => s.target_config.target === name)
    .map((s) => s.name);
  if (users.length > 0)
    throw new ConflictError(
      `The target "${name}" is used by the schedule(s) ${users.map((u) => `"${u}"`).join(', ')}.`,
      'Remove those schedules first (`lifeboat schedule remove NAME`), or point them at another target.',
    );
  await ctx.catalog.deleteTarget(name);
  await audit(ctx, {
    operation_type: 'delete',
    entity_type: 'target',
    entity_id: name,
    action: 'target.remove',
  });
}

/** What `lifeboat target test` found: the source is there and readable, and how big it is. */
export interface TargetTestResult {
  target: string;
  kind: TargetConfig['kind'];
  /** Database server version; absent for file targets. */
  server_version?: string;
  /** The tool that will make the dump and its version. */
  tool?: { name: string; version: string };
  size_bytes: number;
}

/** Connects to a target's source (or reads its paths) and reports what a backup would find. */
export async function testTarget(ctx: ServiceContext, name: string): Promise<TargetTestResult> {
  const target = await getTarget(ctx, name);
  const config = target.target_config;
  if (config.kind === 'filesystem') {
    checkWorkerPaths(ctx.workerFiles, config.paths, 'back up');
    // On AWS this runs in the API's function, which mounts no file system (it runs outside the VPC).
    if (ctx.workerFiles)
      throw new InputError(
        `The API cannot look at target "${name}": the file system is mounted by the backup and restore steps only.`,
        'Run a backup of it: a path that does not exist fails its Run backup step, naming the path.',
      );
    for (const path of config.paths)
      if (!existsSync(path))
        throw new InputError(
          `The path ${path} of target "${name}" does not exist.`,
          'Check the path, or recreate the target.',
        );
    return {
      target: name,
      kind: config.kind,
      size_bytes: await scanTreeSize(config.paths, config.exclude, () => false),
    };
  }
  if (config.kind === 'application') {
    let size = 0;
    for (const component of config.components) size += (await testTarget(ctx, component)).size_bytes;
    return { target: name, kind: config.kind, size_bytes: size };
  }
  const credential = await resolveCredential(config.password, ctx.secrets);
  const probe = await databaseStrategy(config.kind).probe(config, credential);
  return {
    target: name,
    kind: config.kind,
    server_version: probe.server_version,
    tool: probe.tool,
    size_bytes: probe.size_bytes,
  };
}
