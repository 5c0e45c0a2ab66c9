import { posix } from 'node:path';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The operator's files on AWS: an EFS file system the workers mount through one access point, at
 * the same path in every Lambda function and Fargate task that touches files. A filesystem target
 * names paths under it, and a restore writes under it, whichever compute the workflow picks.
 */
export interface WorkerFileSystem {
  readonly accessPoint: efs.IAccessPoint;
  /** Where it is mounted: `/mnt/` and one name, Lambda's rule (the tasks use the same path). */
  readonly mountPath: string;
}

/**
 * What a step does with the operator's files: `read` backs them up or checks them (mounted
 * read-only), `write` restores into them.
 */
export type FileAccess = 'none' | 'read' | 'write';

/** Lambda's rule for a file system's mount path. */
export const MOUNT_PATH_PATTERN = /^\/mnt\/[A-Za-z0-9._-]+$/;
export const DEFAULT_MOUNT_PATH = '/mnt/efs';

/**
 * Whether the workers can see `path`: an absolute path on the mount. (The workers check the same
 * at run time, functions/core/services/worker-files.ts; lib/ checks declared targets at synth.)
 */
export function onMount(path: string, mountPath: string): boolean {
  const normal = posix.normalize(path);
  return path.startsWith('/') && (normal === mountPath || normal.startsWith(`${mountPath}/`));
}

/**
 * The EFS client rights of a step, on the file system and only through the access point. Root
 * access because the access point's POSIX user decides who the workers are there (neither Lambda
 * nor the task runs as root), and to read every file and restore owners that user is root, whom
 * EFS squashes without ClientRootAccess.
 */
export function fileSystemStatements(files: WorkerFileSystem, access: Exclude<FileAccess, 'none'>) {
  const actions = ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientRootAccess'];
  if (access === 'write') actions.push('elasticfilesystem:ClientWrite');
  return [
    new iam.PolicyStatement({
      actions,
      resources: [files.accessPoint.fileSystem.fileSystemArn],
      conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': files.accessPoint.accessPointArn } },
    }),
  ];
}

/**
 * A Lambda function's mount of the file system. lambda.FileSystem.fromEfsAccessPoint grants
 * ClientMount on "*" and always ClientWrite; this one grants the step's access on the file system
 * alone. The security group rule is the Workers' (one for every worker), so the function adds none.
 */
export class LambdaMount extends lambda.FileSystem {
  constructor(files: WorkerFileSystem, access: Exclude<FileAccess, 'none'>) {
    super({
      localMountPath: files.mountPath,
      arn: files.accessPoint.accessPointArn,
      dependency: [files.accessPoint.fileSystem.mountTargetsAvailable],
      policies: fileSystemStatements(files, access),
    });
  }
}

/** Mounts the file system into a task's container (read-only for `read`), with IAM and TLS. */
export function mountInTask(
  task: ecs.FargateTaskDefinition,
  container: ecs.ContainerDefinition,
  files: WorkerFileSystem,
  access: Exclude<FileAccess, 'none'>,
): void {
  task.addVolume({
    name: 'files',
    efsVolumeConfiguration: {
      fileSystemId: files.accessPoint.fileSystem.fileSystemId,
      transitEncryption: 'ENABLED',
      authorizationConfig: { accessPointId: files.accessPoint.accessPointId, iam: 'ENABLED' },
    },
  });
  container.addMountPoints({
    sourceVolume: 'files',
    containerPath: files.mountPath,
    readOnly: access === 'read',
  });
  for (const statement of fileSystemStatements(files, access)) task.addToTaskRolePolicy(statement);
}
