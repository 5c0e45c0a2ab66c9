import { z } from 'zod';
import { DEFAULT_MOUNT_PATH, MOUNT_PATH_PATTERN, onMount } from './file-system';
import type { LifeboatStackProps } from './lifeboat-stack';

const list = z.union([
  z.array(z.string()),
  z.string().transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ),
]);
/** Context given with `-c key=value` arrives as a string; JSON values are parsed. */
const json = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && /^\s*[[{]/.test(v) ? JSON.parse(v) : v), schema);

const ContextSchema = z.object({
  'lifeboat:stackName': z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/)
    .default('Lifeboat'),
  'lifeboat:alertEmails': list.optional(),
  'lifeboat:databaseSecretArns': list.optional(),
  'lifeboat:objectLock': json(
    z.object({ mode: z.enum(['GOVERNANCE', 'COMPLIANCE']), days: z.number().int().min(1) }).strict(),
  ).optional(),
  'lifeboat:infrequentAccessAfterDays': z.coerce.number().int().min(0).optional(),
  'lifeboat:glacierInstantRetrievalAfterDays': z.coerce.number().int().min(0).optional(),
  'lifeboat:fargateThresholdBytes': z.coerce.number().int().positive().optional(),
  'lifeboat:vpcId': z
    .string()
    .regex(/^vpc-[0-9a-f]+$/)
    .optional(),
  'lifeboat:subnetIds': list.optional(),
  'lifeboat:adminUi': z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .default(true),
  'lifeboat:adminUiDomainPrefix': z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'is lower-case letters, digits and hyphens')
    .refine((v) => !/aws|amazon|cognito/.test(v), 'must not contain aws, amazon or cognito')
    .optional(),
  'lifeboat:securityGroupIds': list.optional(),
  'lifeboat:fileSystem': json(
    z
      .object({
        fileSystemId: z.string().regex(/^fs-[0-9a-f]+$/, 'is an EFS file system id (fs-...)'),
        accessPointId: z.string().regex(/^fsap-[0-9a-f]+$/, 'is an EFS access point id (fsap-...)'),
        securityGroupId: z
          .string()
          .regex(/^sg-[0-9a-f]+$/, "is its mount targets' security group id (sg-...)"),
        mountPath: z
          .string()
          .regex(MOUNT_PATH_PATTERN, "is /mnt/ and one name (Lambda's rule), e.g. /mnt/efs")
          .optional(),
      })
      .strict(),
  ).optional(),
  'lifeboat:targets': json(
    z.array(
      z
        .object({
          name: z.string(),
          target_config: z.record(z.string(), z.unknown()),
          description: z.string().optional(),
        })
        .strict(),
    ),
  ).optional(),
  'lifeboat:schedules': json(
    z.array(
      z
        .object({
          name: z.string(),
          target: z.string(),
          cron: z.string(),
          timezone: z.string().optional(),
          backup_type: z.enum(['full', 'incremental', 'differential']).optional(),
          retention: z.string().optional(),
          verify: z.boolean().optional(),
          rpo_hours: z.number().int().min(1).max(168).optional(),
        })
        .strict(),
    ),
  ).optional(),
});

export interface LifeboatContext {
  stackName: string;
  props: LifeboatStackProps;
}

/** The `lifeboat:*` context values (cdk.json or `-c`), checked: a mistake stops the synth with its field. */
export function readContext(get: (key: string) => unknown): LifeboatContext {
  const raw = Object.fromEntries(Object.keys(ContextSchema.shape).map((k) => [k, get(k)]));
  const parsed = ContextSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      'The CDK context is not valid: ' +
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') +
        '. See docs/OPERATIONS.md §8 for the options.',
    );
  const c = parsed.data;
  if (c['lifeboat:fileSystem'] && !c['lifeboat:vpcId'])
    throw new Error(
      'The CDK context is not valid: lifeboat:fileSystem needs lifeboat:vpcId, the VPC of its mount targets (the workers mount it from there). See docs/OPERATIONS.md §8.',
    );
  const fileSystem = c['lifeboat:fileSystem'];
  checkDeclaredPaths(c['lifeboat:targets'] ?? [], fileSystem && (fileSystem.mountPath ?? DEFAULT_MOUNT_PATH));
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
function checkDeclaredPaths(
  targets: { name: string; target_config: Record<string, unknown> }[],
  mountPath: string | undefined,
): void {
  for (const target of targets) {
    const { kind, paths } = target.target_config;
    if (kind !== 'filesystem' || !Array.isArray(paths)) continue;
    for (const path of paths) {
      if (typeof path !== 'string' || (mountPath !== undefined && onMount(path, mountPath))) continue;
      throw new Error(
        `The CDK context is not valid: lifeboat:targets "${target.name}" backs up ${path}, which the workers cannot see: ${
          mountPath === undefined
            ? 'on AWS they see only the file system of lifeboat:fileSystem, and none is given'
            : `name a path under ${mountPath}`
        }. See docs/OPERATIONS.md §8.`,
      );
    }
  }
}
