import { z } from 'zod';
import { NameSchema, TimestampSchema } from './common';
import { TargetTypeSchema } from './enums';

/**
 * What a target backs up. `kind` names the strategy (functions/sources/<kind>); the seed's
 * coarser target_type is derived from it. The databases issue adds postgres, mysql and mongodb.
 */
export const FilesystemTargetConfigSchema = z.object({
  kind: z.literal('filesystem'),
  paths: z.array(z.string().min(1)).min(1),
  exclude: z.array(z.string().min(1)).default([]),
  one_file_system: z.boolean().default(false),
});

export const TargetConfigSchema = z.discriminatedUnion('kind', [FilesystemTargetConfigSchema]);
export type TargetConfig = z.infer<typeof TargetConfigSchema>;
export type TargetKind = TargetConfig['kind'];
export const TARGET_KINDS: readonly TargetKind[] = ['filesystem'];

/** A named source of backups: the seed's target_type + target_config, kept under a name. */
export const TargetSchema = z.object({
  name: NameSchema,
  target_type: TargetTypeSchema,
  target_config: TargetConfigSchema,
  description: z.string().nullable().default(null),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type Target = z.infer<typeof TargetSchema>;

export function targetTypeOf(kind: TargetKind): Target['target_type'] {
  switch (kind) {
    case 'filesystem':
      return 'filesystem';
  }
}
