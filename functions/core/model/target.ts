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

/**
 * Where a database password comes from; never the password itself. `env`: a variable of the
 * process that runs the job; `file`: a .pgpass (PostgreSQL) or option file (MySQL); `secret`: a
 * Secrets Manager secret (its string, or the `password` field of a JSON secret); `none`: the
 * server trusts the connection (peer, certificate) or the tools' own defaults supply one.
 */
export const CredentialRefSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('none') }),
  z.object({
    source: z.literal('env'),
    variable: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
  }),
  z.object({ source: z.literal('file'), path: z.string().min(1) }),
  z.object({ source: z.literal('secret'), arn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/) }),
]);
export type CredentialRef = z.infer<typeof CredentialRefSchema>;

/** TLS as libpq names it; the other engines map these modes onto their own options. */
export const TlsSchema = z.object({
  mode: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer'),
  ca_file: z.string().min(1).nullable().default(null),
});
export type Tls = z.infer<typeof TlsSchema>;

/** How to reach a database server: no secret in here, only a reference to one. */
export const DatabaseConnectionSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1),
  password: CredentialRefSchema.default({ source: 'none' }),
  tls: TlsSchema.default({ mode: 'prefer', ca_file: null }),
});
export type DatabaseConnection = z.infer<typeof DatabaseConnectionSchema>;

/** Identifiers as the server spells them (unquoted, case as stored). */
const SqlNameSchema = z.string().min(1).max(200);

export const PostgresTargetConfigSchema = DatabaseConnectionSchema.extend({
  kind: z.literal('postgres'),
  database: SqlNameSchema,
  /**
   * logical: pg_dump of `database`. physical: pg_basebackup of the whole cluster, which with
   * the WAL archive (`lifeboat wal-push`) restores to any point in time.
   */
  mode: z.enum(['logical', 'physical']).default('logical'),
  /** Only these schemas (pg_dump --schema); empty: all. */
  schemas: z.array(SqlNameSchema).default([]),
  /** Only these tables, as `table` or `schema.table` (pg_dump --table); empty: all. */
  tables: z.array(SqlNameSchema).default([]),
  /** Tables left out (pg_dump --exclude-table). */
  exclude_tables: z.array(SqlNameSchema).default([]),
});
export type PostgresTargetConfig = z.infer<typeof PostgresTargetConfigSchema>;

export const MysqlTargetConfigSchema = DatabaseConnectionSchema.extend({
  kind: z.literal('mysql'),
  database: SqlNameSchema,
  /** Only these tables (mysqldump's table arguments); empty: all. */
  tables: z.array(SqlNameSchema).default([]),
  /** Tables left out (--ignore-table). */
  exclude_tables: z.array(SqlNameSchema).default([]),
});
export type MysqlTargetConfig = z.infer<typeof MysqlTargetConfigSchema>;

export const MongodbTargetConfigSchema = DatabaseConnectionSchema.extend({
  kind: z.literal('mongodb'),
  database: SqlNameSchema,
  /** Where the user is defined (mongodump --authenticationDatabase). */
  auth_database: SqlNameSchema.default('admin'),
  /** Collections left out (--excludeCollection). */
  exclude_tables: z.array(SqlNameSchema).default([]),
});
export type MongodbTargetConfig = z.infer<typeof MongodbTargetConfigSchema>;

export const DatabaseTargetConfigSchema = z.discriminatedUnion('kind', [
  PostgresTargetConfigSchema,
  MysqlTargetConfigSchema,
  MongodbTargetConfigSchema,
]);
export type DatabaseTargetConfig = z.infer<typeof DatabaseTargetConfigSchema>;
export type DatabaseKind = DatabaseTargetConfig['kind'];
export const DATABASE_KINDS: readonly DatabaseKind[] = ['postgres', 'mysql', 'mongodb'];

/** A command run around an application's backup: an argument array (never a shell line). */
export const HookSchema = z.object({
  command: z.array(z.string().min(1)).min(1),
  timeout_seconds: z.number().int().positive().max(86_400).default(300),
});
export type Hook = z.infer<typeof HookSchema>;

/**
 * An application: other targets (files and databases) backed up as one set, between pre-hooks
 * (quiesce the application; one failing aborts the set) and post-hooks (always run), and
 * restored together.
 */
export const ApplicationTargetConfigSchema = z.object({
  kind: z.literal('application'),
  components: z.array(NameSchema).min(1),
  pre_hooks: z.array(HookSchema).default([]),
  post_hooks: z.array(HookSchema).default([]),
});
export type ApplicationTargetConfig = z.infer<typeof ApplicationTargetConfigSchema>;

export const TargetConfigSchema = z.discriminatedUnion('kind', [
  FilesystemTargetConfigSchema,
  PostgresTargetConfigSchema,
  MysqlTargetConfigSchema,
  MongodbTargetConfigSchema,
  ApplicationTargetConfigSchema,
]);
export type TargetConfig = z.infer<typeof TargetConfigSchema>;
export type TargetKind = TargetConfig['kind'];
export const TARGET_KINDS: readonly TargetKind[] = ['filesystem', ...DATABASE_KINDS, 'application'];

export function isDatabaseConfig(config: { kind: string }): config is DatabaseTargetConfig {
  return (DATABASE_KINDS as readonly string[]).includes(config.kind);
}

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
    case 'postgres':
    case 'mysql':
    case 'mongodb':
      return 'database';
    case 'application':
      return 'application';
  }
}
