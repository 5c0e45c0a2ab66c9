"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.readContext = readContext;
const zod_1 = require("zod");
const file_system_1 = require("./file-system");
const list = zod_1.z.union([
    zod_1.z.array(zod_1.z.string()),
    zod_1.z.string().transform((s) => s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)),
]);
/** Context given with `-c key=value` arrives as a string; JSON values are parsed. */
const json = (schema) => zod_1.z.preprocess((v) => (typeof v === 'string' && /^\s*[[{]/.test(v) ? JSON.parse(v) : v), schema);
const ContextSchema = zod_1.z.object({
    'lifeboat:stackName': zod_1.z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/)
        .default('Lifeboat'),
    'lifeboat:alertEmails': list.optional(),
    'lifeboat:databaseSecretArns': list.optional(),
    'lifeboat:objectLock': json(zod_1.z.object({ mode: zod_1.z.enum(['GOVERNANCE', 'COMPLIANCE']), days: zod_1.z.number().int().min(1) }).strict()).optional(),
    'lifeboat:infrequentAccessAfterDays': zod_1.z.coerce.number().int().min(0).optional(),
    'lifeboat:glacierInstantRetrievalAfterDays': zod_1.z.coerce.number().int().min(0).optional(),
    'lifeboat:fargateThresholdBytes': zod_1.z.coerce.number().int().positive().optional(),
    'lifeboat:vpcId': zod_1.z
        .string()
        .regex(/^vpc-[0-9a-f]+$/)
        .optional(),
    'lifeboat:subnetIds': list.optional(),
    'lifeboat:adminUi': zod_1.z
        .union([zod_1.z.boolean(), zod_1.z.enum(['true', 'false']).transform((v) => v === 'true')])
        .default(true),
    'lifeboat:adminUiDomainPrefix': zod_1.z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'is lower-case letters, digits and hyphens')
        .refine((v) => !/aws|amazon|cognito/.test(v), 'must not contain aws, amazon or cognito')
        .optional(),
    'lifeboat:securityGroupIds': list.optional(),
    'lifeboat:fileSystem': json(zod_1.z
        .object({
        fileSystemId: zod_1.z.string().regex(/^fs-[0-9a-f]+$/, 'is an EFS file system id (fs-...)'),
        accessPointId: zod_1.z.string().regex(/^fsap-[0-9a-f]+$/, 'is an EFS access point id (fsap-...)'),
        securityGroupId: zod_1.z
            .string()
            .regex(/^sg-[0-9a-f]+$/, "is its mount targets' security group id (sg-...)"),
        mountPath: zod_1.z
            .string()
            .regex(file_system_1.MOUNT_PATH_PATTERN, "is /mnt/ and one name (Lambda's rule), e.g. /mnt/efs")
            .optional(),
    })
        .strict()).optional(),
    'lifeboat:targets': json(zod_1.z.array(zod_1.z
        .object({
        name: zod_1.z.string(),
        target_config: zod_1.z.record(zod_1.z.string(), zod_1.z.unknown()),
        description: zod_1.z.string().optional(),
    })
        .strict())).optional(),
    'lifeboat:schedules': json(zod_1.z.array(zod_1.z
        .object({
        name: zod_1.z.string(),
        target: zod_1.z.string(),
        cron: zod_1.z.string(),
        timezone: zod_1.z.string().optional(),
        backup_type: zod_1.z.enum(['full', 'incremental', 'differential']).optional(),
        retention: zod_1.z.string().optional(),
        verify: zod_1.z.boolean().optional(),
        rpo_hours: zod_1.z.number().int().min(1).max(168).optional(),
    })
        .strict())).optional(),
});
/** The `lifeboat:*` context values (cdk.json or `-c`), checked: a mistake stops the synth with its field. */
function readContext(get) {
    const raw = Object.fromEntries(Object.keys(ContextSchema.shape).map((k) => [k, get(k)]));
    const parsed = ContextSchema.safeParse(raw);
    if (!parsed.success)
        throw new Error('The CDK context is not valid: ' +
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') +
            '. See docs/OPERATIONS.md §8 for the options.');
    const c = parsed.data;
    if (c['lifeboat:fileSystem'] && !c['lifeboat:vpcId'])
        throw new Error('The CDK context is not valid: lifeboat:fileSystem needs lifeboat:vpcId, the VPC of its mount targets (the workers mount it from there). See docs/OPERATIONS.md §8.');
    const fileSystem = c['lifeboat:fileSystem'];
    checkDeclaredPaths(c['lifeboat:targets'] ?? [], fileSystem && (fileSystem.mountPath ?? file_system_1.DEFAULT_MOUNT_PATH));
    return {
        stackName: c['lifeboat:stackName'],
        props: {
            ...(c['lifeboat:vpcId'] ? { vpcId: c['lifeboat:vpcId'] } : {}),
            ...(c['lifeboat:subnetIds'] ? { subnetIds: c['lifeboat:subnetIds'] } : {}),
            ...(c['lifeboat:securityGroupIds'] ? { securityGroupIds: c['lifeboat:securityGroupIds'] } : {}),
            ...(c['lifeboat:fileSystem'] ? { fileSystem: c['lifeboat:fileSystem'] } : {}),
            vault: {
                ...(c['lifeboat:objectLock'] ? { objectLock: c['lifeboat:objectLock'] } : {}),
                ...(c['lifeboat:infrequentAccessAfterDays'] !== undefined
                    ? { infrequentAccessAfterDays: c['lifeboat:infrequentAccessAfterDays'] }
                    : {}),
                ...(c['lifeboat:glacierInstantRetrievalAfterDays'] !== undefined
                    ? { glacierInstantRetrievalAfterDays: c['lifeboat:glacierInstantRetrievalAfterDays'] }
                    : {}),
            },
            alertEmails: c['lifeboat:alertEmails'] ?? [],
            databaseSecretArns: c['lifeboat:databaseSecretArns'] ?? [],
            targets: c['lifeboat:targets'] ?? [],
            schedules: c['lifeboat:schedules'] ?? [],
            adminUi: c['lifeboat:adminUi']
                ? c['lifeboat:adminUiDomainPrefix']
                    ? { domainPrefix: c['lifeboat:adminUiDomainPrefix'] }
                    : true
                : false,
            ...(c['lifeboat:fargateThresholdBytes']
                ? { fargateThresholdBytes: c['lifeboat:fargateThresholdBytes'] }
                : {}),
        },
    };
}
/**
 * A declared filesystem target's paths must be on the mounted file system (`mountPath`, undefined
 * when nothing is mounted): found at synth rather than at the schedule's first run.
 */
function checkDeclaredPaths(targets, mountPath) {
    for (const target of targets) {
        const { kind, paths } = target.target_config;
        if (kind !== 'filesystem' || !Array.isArray(paths))
            continue;
        for (const path of paths) {
            if (typeof path !== 'string' || (mountPath !== undefined && (0, file_system_1.onMount)(path, mountPath)))
                continue;
            throw new Error(`The CDK context is not valid: lifeboat:targets "${target.name}" backs up ${path}, which the workers cannot see: ${mountPath === undefined
                ? 'on AWS they see only the file system of lifeboat:fileSystem, and none is given'
                : `name a path under ${mountPath}`}. See docs/OPERATIONS.md §8.`);
        }
    }
}
//# sourceMappingURL=context.js.map