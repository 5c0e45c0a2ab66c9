"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TargetSchema = exports.TARGET_KINDS = exports.TargetConfigSchema = exports.ApplicationTargetConfigSchema = exports.HookSchema = exports.DATABASE_KINDS = exports.DatabaseTargetConfigSchema = exports.MongodbTargetConfigSchema = exports.MysqlTargetConfigSchema = exports.PostgresTargetConfigSchema = exports.DatabaseConnectionSchema = exports.TlsSchema = exports.CredentialRefSchema = exports.FilesystemTargetConfigSchema = void 0;
exports.isDatabaseConfig = isDatabaseConfig;
exports.targetTypeOf = targetTypeOf;
const zod_1 = require("zod");
const common_1 = require("./common");
const enums_1 = require("./enums");
/**
 * What a target backs up. `kind` names the strategy (functions/sources/<kind>); the seed's
 * coarser target_type is derived from it. The databases issue adds postgres, mysql and mongodb.
 */
exports.FilesystemTargetConfigSchema = zod_1.z.object({
    kind: zod_1.z.literal('filesystem'),
    paths: zod_1.z.array(zod_1.z.string().min(1)).min(1),
    exclude: zod_1.z.array(zod_1.z.string().min(1)).default([]),
    one_file_system: zod_1.z.boolean().default(false),
});
/**
 * Where a database password comes from; never the password itself. `env`: a variable of the
 * process that runs the job; `file`: a .pgpass (PostgreSQL) or option file (MySQL); `secret`: a
 * Secrets Manager secret (its string, or the `password` field of a JSON secret); `none`: the
 * server trusts the connection (peer, certificate) or the tools' own defaults supply one.
 */
exports.CredentialRefSchema = zod_1.z.discriminatedUnion('source', [
    zod_1.z.object({ source: zod_1.z.literal('none') }),
    zod_1.z.object({
        source: zod_1.z.literal('env'),
        variable: zod_1.z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
    }),
    zod_1.z.object({ source: zod_1.z.literal('file'), path: zod_1.z.string().min(1) }),
    zod_1.z.object({ source: zod_1.z.literal('secret'), arn: zod_1.z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/) }),
]);
/** TLS as libpq names it; the other engines map these modes onto their own options. */
exports.TlsSchema = zod_1.z.object({
    mode: zod_1.z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer'),
    ca_file: zod_1.z.string().min(1).nullable().default(null),
});
/** How to reach a database server: no secret in here, only a reference to one. */
exports.DatabaseConnectionSchema = zod_1.z.object({
    host: zod_1.z.string().min(1),
    port: zod_1.z.number().int().min(1).max(65535),
    user: zod_1.z.string().min(1),
    password: exports.CredentialRefSchema.default({ source: 'none' }),
    tls: exports.TlsSchema.default({ mode: 'prefer', ca_file: null }),
});
/** Identifiers as the server spells them (unquoted, case as stored). */
const SqlNameSchema = zod_1.z.string().min(1).max(200);
exports.PostgresTargetConfigSchema = exports.DatabaseConnectionSchema.extend({
    kind: zod_1.z.literal('postgres'),
    database: SqlNameSchema,
    /**
     * logical: pg_dump of `database`. physical: pg_basebackup of the whole cluster, which with
     * the WAL archive (`lifeboat wal-push`) restores to any point in time.
     */
    mode: zod_1.z.enum(['logical', 'physical']).default('logical'),
    /** Only these schemas (pg_dump --schema); empty: all. */
    schemas: zod_1.z.array(SqlNameSchema).default([]),
    /** Only these tables, as `table` or `schema.table` (pg_dump --table); empty: all. */
    tables: zod_1.z.array(SqlNameSchema).default([]),
    /** Tables left out (pg_dump --exclude-table). */
    exclude_tables: zod_1.z.array(SqlNameSchema).default([]),
});
exports.MysqlTargetConfigSchema = exports.DatabaseConnectionSchema.extend({
    kind: zod_1.z.literal('mysql'),
    database: SqlNameSchema,
    /** Only these tables (mysqldump's table arguments); empty: all. */
    tables: zod_1.z.array(SqlNameSchema).default([]),
    /** Tables left out (--ignore-table). */
    exclude_tables: zod_1.z.array(SqlNameSchema).default([]),
});
exports.MongodbTargetConfigSchema = exports.DatabaseConnectionSchema.extend({
    kind: zod_1.z.literal('mongodb'),
    database: SqlNameSchema,
    /** Where the user is defined (mongodump --authenticationDatabase). */
    auth_database: SqlNameSchema.default('admin'),
    /** Collections left out (--excludeCollection). */
    exclude_tables: zod_1.z.array(SqlNameSchema).default([]),
});
exports.DatabaseTargetConfigSchema = zod_1.z.discriminatedUnion('kind', [
    exports.PostgresTargetConfigSchema,
    exports.MysqlTargetConfigSchema,
    exports.MongodbTargetConfigSchema,
]);
exports.DATABASE_KINDS = ['postgres', 'mysql', 'mongodb'];
/** A command run around an application's backup: an argument array (never a shell line). */
exports.HookSchema = zod_1.z.object({
    command: zod_1.z.array(zod_1.z.string().min(1)).min(1),
    timeout_seconds: zod_1.z.number().int().positive().max(86_400).default(300),
});
/**
 * An application: other targets (files and databases) backed up as one set, between pre-hooks
 * (quiesce the application; one failing aborts the set) and post-hooks (always run), and
 * restored together.
 */
exports.ApplicationTargetConfigSchema = zod_1.z.object({
    kind: zod_1.z.literal('application'),
    components: zod_1.z.array(common_1.NameSchema).min(1),
    pre_hooks: zod_1.z.array(exports.HookSchema).default([]),
    post_hooks: zod_1.z.array(exports.HookSchema).default([]),
});
exports.TargetConfigSchema = zod_1.z.discriminatedUnion('kind', [
    exports.FilesystemTargetConfigSchema,
    exports.PostgresTargetConfigSchema,
    exports.MysqlTargetConfigSchema,
    exports.MongodbTargetConfigSchema,
    exports.ApplicationTargetConfigSchema,
]);
exports.TARGET_KINDS = ['filesystem', ...exports.DATABASE_KINDS, 'application'];
function isDatabaseConfig(config) {
    return exports.DATABASE_KINDS.includes(config.kind);
}
/** A named source of backups: the seed's target_type + target_config, kept under a name. */
exports.TargetSchema = zod_1.z.object({
    name: common_1.NameSchema,
    target_type: enums_1.TargetTypeSchema,
    target_config: exports.TargetConfigSchema,
    description: zod_1.z.string().nullable().default(null),
    created_at: common_1.TimestampSchema,
    updated_at: common_1.TimestampSchema,
});
function targetTypeOf(kind) {
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
//# sourceMappingURL=target.js.map