import * as nodePath from 'node:path';
import { InputError } from '../errors';

/**
 * Where a deployment's workers see the operator's files. On AWS a worker's own disk is its
 * container's, gone when the step ends: files are backed up from, and restored into, the EFS file
 * system the stack mounts (context `lifeboat:fileSystem`), at the same path in every function
 * and task. Locally the machine's own paths are the files, and there is nothing to check.
 */
export interface WorkerFiles {
  /** The mount path (LIFEBOAT_FILES_MOUNT); null when the deployment mounts no file system. */
  mountPath: string | null;
}

/** From the environment the stack gives its workers; an empty value means no mount. */
export function workerFilesFromEnv(env: NodeJS.ProcessEnv): WorkerFiles {
  return { mountPath: env.LIFEBOAT_FILES_MOUNT || null };
}

/**
 * Refuses, before any work, a path the workers cannot reach: one outside the mount, or any path
 * when there is no mount. `use` says what the path is for ("back up", "restore into").
 */
export function checkWorkerPaths(
  files: WorkerFiles | undefined,
  paths: readonly string[],
  use: string,
): void {
  if (!files) return;
  const mount = files.mountPath;
  for (const path of paths) {
    if (mount === null)
      throw new InputError(
        `Cannot ${use} ${path} on AWS: this deployment mounts no file system, so its workers see no files of yours.`,
        'Deploy with -c lifeboat:fileSystem=\'{"fileSystemId":…,"accessPointId":…,"securityGroupId":…}\' (docs/OPERATIONS.md §8) and name paths under its mount path.',
      );
    // A relative path would be the worker's own (its working directory): never the mount's.
    const resolved = nodePath.posix.resolve('/', path);
    if (!path.startsWith('/') || (resolved !== mount && !resolved.startsWith(`${mount}/`)))
      throw new InputError(
        `Cannot ${use} ${path}: the workers see files only on the file system mounted at ${mount}.`,
        `Name a path under ${mount}/ (the root of the EFS access point is ${mount}).`,
      );
  }
}
