import { z } from 'zod';
import { newUlid } from '../../repository/ids';
import type { Repository } from '../../repository/repository';
import type { SnapshotManifest } from '../../repository/snapshot';
import { summarizeStderr, ToolProcess } from '../../sources/database/tool';
import { backupTree } from '../../sources/filesystem/backup';
import { LifeboatError, RecordNotFoundError } from '../errors';
import type { Backup } from '../model/backup';
import type { ApplicationTargetConfig, Hook } from '../model/target';
import { backupStream, type StreamBackupResult } from './backup-stream';
import { backupDatabase } from './database-backup';
import type { ServiceContext } from './context';

/** A hook that failed, timed out or could not start; names the hook and what it printed. */
export class HookFailedError extends LifeboatError {
  constructor(stage: 'pre' | 'post', hook: Hook, problem: string, hint: string) {
    super('HOOK_FAILED', `The ${stage}-hook ${JSON.stringify(hook.command)} ${problem}`, hint);
  }
}

/** Runs one hook: its argument array without a shell, in Lifeboat's environment, with its timeout. */
export async function runHook(stage: 'pre' | 'post', hook: Hook): Promise<void> {
  const [command, ...args] = hook.command;
  const hint =
    stage === 'pre'
      ? 'Nothing was backed up and the post-hooks ran. Fix the hook (run it by hand as the same user) and back up again.'
      : 'The components were backed up, but the application may still be quiesced: check it, fix the hook.';
  const tool = new ToolProcess(
    {
      name: command!,
      command: command!,
      args,
      env: process.env,
      missingHint: 'Check the path of the hook command.',
    },
    { stdin: false, stdout: false },
  );
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    tool.stop();
  }, hook.timeout_seconds * 1000);
  try {
    await tool.exited;
  } catch (error) {
    const stderr = summarizeStderr(tool.stderrText);
    const problem = timedOut
      ? `did not finish within ${hook.timeout_seconds} s and was stopped.`
      : error instanceof LifeboatError && error.code === 'TOOL_MISSING'
        ? 'does not exist.'
        : `failed: ${(error as Error).message}`;
    throw new HookFailedError(
      stage,
      hook,
      problem + (timedOut && stderr ? ` It printed: ${stderr}` : ''),
      hint,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** One member of a backed-up set: which target, which snapshot holds it. */
export const ApplicationComponentSchema = z.object({
  target: z.string(),
  kind: z.string(),
  snapshot_id: z.string(),
  original_size_bytes: z.number().int().nonnegative(),
});
export type ApplicationComponent = z.infer<typeof ApplicationComponentSchema>;

export const ApplicationSourceSchema = z.object({
  kind: z.literal('application'),
  components: z.array(ApplicationComponentSchema),
});

/** Backs up one component as a snapshot under its own target's name (its history, its parents). */
async function backupComponent(
  ctx: ServiceContext,
  repo: Repository,
  name: string,
  backupType: Backup['backup_type'],
): Promise<ApplicationComponent> {
  const target = await ctx.catalog.getTarget(name);
  if (!target) throw new RecordNotFoundError('target', name);
  const config = target.target_config;
  const snapshotId = newUlid(Date.now());
  if (config.kind === 'application')
    throw new LifeboatError(
      'INVALID_INPUT',
      `The component "${name}" is itself an application.`,
      'Name the files and databases of the application as its components.',
    );
  const { manifest } =
    config.kind === 'filesystem'
      ? await backupTree(repo, {
          paths: config.paths,
          excludes: config.exclude,
          oneFileSystem: config.one_file_system,
          name,
          backupType,
          strict: true,
          snapshotId,
          ownFiles: ctx.ownFiles,
        })
      : await backupDatabase(ctx, repo, config, { name, backupType, snapshotId });
  return {
    target: name,
    kind: config.kind,
    snapshot_id: manifest.id,
    original_size_bytes: manifest.content.size,
  };
}

/**
 * An application's backup: the pre-hooks in order (the first failure aborts: nothing is backed
 * up), each component as its own snapshot, the post-hooks always, and last the set itself, a
 * small snapshot (the backup's id) naming the component snapshots, which a restore brings back
 * together.
 */
export async function backupApplication(
  ctx: ServiceContext,
  repo: Repository,
  record: Backup,
  config: ApplicationTargetConfig,
  onComponent: (done: number, total: number) => void,
): Promise<StreamBackupResult> {
  const components: ApplicationComponent[] = [];
  let failure: unknown;
  try {
    for (const hook of config.pre_hooks) await runHook('pre', hook);
    for (const name of config.components) {
      components.push(await backupComponent(ctx, repo, name, record.backup_type));
      onComponent(components.length, config.components.length);
    }
  } catch (error) {
    failure = error;
  }
  for (const hook of config.post_hooks) {
    try {
      await runHook('post', hook);
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure) throw failure;
  const set = Buffer.from(JSON.stringify({ components }));
  return backupStream(
    repo,
    (async function* () {
      yield set;
    })(),
    {
      name: record.target_identifier,
      backupType: 'full',
      targetType: 'application',
      snapshotId: record.id,
      parentId: null,
      describeSource: async () => ({ kind: 'application', components }),
    },
  );
}

/** The component snapshots of an application backup. */
export async function applicationComponents(
  repo: Repository,
  manifest: SnapshotManifest,
): Promise<{ component: ApplicationComponent; manifest: SnapshotManifest }[]> {
  const { components } = ApplicationSourceSchema.parse(manifest.source);
  return Promise.all(
    components.map(async (component) => ({
      component,
      manifest: await repo.loadSnapshot(component.snapshot_id),
    })),
  );
}
