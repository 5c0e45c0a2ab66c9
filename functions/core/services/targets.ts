import { ConflictError, InputError, RecordNotFoundError } from '../errors';
import { NameSchema } from '../model/common';
import { TARGET_KINDS, targetTypeOf, type Target, type TargetKind } from '../model/target';
import { audit } from './audit';
import { allItems } from './catalog/pages';
import type { ServiceContext } from './context';

export interface AddTargetRequest {
  name: string;
  kind: string;
  paths: string[];
  exclude?: string[];
  one_file_system?: boolean;
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

/** Records a target (a named source). Nothing is written unless every part is valid. */
export async function addTarget(ctx: ServiceContext, request: AddTargetRequest): Promise<Target> {
  validateName('target', request.name);
  if (!(TARGET_KINDS as readonly string[]).includes(request.kind))
    throw new InputError(
      `"${request.kind}" is not a target type this version knows.`,
      `Use one of: ${TARGET_KINDS.join(', ')} (postgres, mysql and mongodb come with the database strategies).`,
    );
  const kind = request.kind as TargetKind;
  if (request.paths.length === 0)
    throw new InputError(
      'A filesystem target needs at least one path.',
      'Pass --path DIR (repeat it for several).',
    );
  const now = ctx.now().toISOString();
  const target: Target = {
    name: request.name,
    target_type: targetTypeOf(kind),
    target_config: {
      kind,
      paths: request.paths,
      exclude: request.exclude ?? [],
      one_file_system: request.one_file_system ?? false,
    },
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
