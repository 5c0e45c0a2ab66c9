import { z } from 'zod';
import { ChunkReader, loadChunkIndex } from '../../../repository/reader';
import type { SnapshotManifest } from '../../../repository/snapshot';
import { OwnFiles } from '../../../sources/filesystem/own-files';
import { checkRestoreTarget, restoreTree, type RestoreProblem } from '../../../sources/filesystem/restore';
import {
  NOT_RESTORED_KEPT,
  verifyRestoredTree,
  type RestoredTreeCheck,
} from '../../../sources/filesystem/verify-restored';
import { InputError } from '../../errors';
import { applicationComponents, type ApplicationComponent } from '../application';
import type { ServiceContext } from '../context';
import {
  checkRestoredDatabase,
  DatabaseRestoreTargetSchema,
  databaseBackupOf,
  runDatabaseRestore,
  validateDatabaseRestore,
  type DatabaseRestoreTarget,
} from './database-restore';

/**
 * An application backup restored in place, all components together: each file component into
 * the directory it was backed up from, each database into the database it was dumped from.
 * Anything that exists is replaced only with `overwrite`.
 */
export const ApplicationRestoreTargetSchema = z.object({
  kind: z.literal('application'),
  overwrite: z.boolean().default(false),
});
export type ApplicationRestoreTarget = z.output<typeof ApplicationRestoreTargetSchema>;

type Placement =
  | { component: ApplicationComponent; manifest: SnapshotManifest; kind: 'files'; path: string }
  | {
      component: ApplicationComponent;
      manifest: SnapshotManifest;
      kind: 'database';
      target: DatabaseRestoreTarget;
    };

/** Where each component goes back to. */
async function placements(
  ctx: ServiceContext,
  manifest: SnapshotManifest,
  overwrite: boolean,
): Promise<Placement[]> {
  if (manifest.source?.kind !== 'application')
    throw new InputError(
      `Backup ${manifest.id} is not an application backup.`,
      'Restore it with --target, --database or --stdout.',
    );
  const repo = await ctx.repository();
  return (await applicationComponents(repo, manifest)).map(({ component, manifest: m }) => {
    if (m.content.kind === 'tree') {
      if (m.content.paths.length !== 1)
        throw new InputError(
          `The component "${component.target}" was backed up from ${m.content.paths.length} paths; an in-place restore needs one.`,
          `Restore it on its own: lifeboat restore ${m.id} --target DIR.`,
        );
      return { component, manifest: m, kind: 'files', path: m.content.paths[0]! };
    }
    const { info } = databaseBackupOf(m);
    return {
      component,
      manifest: m,
      kind: 'database',
      target: DatabaseRestoreTargetSchema.parse({ kind: 'database', database: info.database, overwrite }),
    };
  });
}

/** Validate: every component can go back (nothing existing is replaced unless asked). */
export async function validateApplicationRestore(
  ctx: ServiceContext,
  manifest: SnapshotManifest,
  target: ApplicationRestoreTarget,
): Promise<void> {
  for (const p of await placements(ctx, manifest, target.overwrite)) {
    if (p.kind === 'files')
      checkRestoreTarget(p.path, target.overwrite ? 'always' : undefined, new OwnFiles(ctx.ownFiles));
    else await validateDatabaseRestore(ctx, p.manifest, p.target);
  }
}

/** A component's restore, as the recovery job records it. */
export interface RestoredComponent {
  target: string;
  restored_to: string;
  bytes: number;
  /**
   * A file component's entries refused (a name that would escape its directory) and left alone
   * (Lifeboat's own files there), NOT_RESTORED_KEPT of each at most; absent when none.
   */
  refused?: RestoreProblem[];
  skipped?: RestoreProblem[];
}

/** Restore: the components one after the other; the first failure stops the restore. */
export async function runApplicationRestore(
  ctx: ServiceContext,
  manifest: SnapshotManifest,
  target: ApplicationRestoreTarget,
  jobId: string,
  onProgress: (bytes: number) => void,
): Promise<{ bytes: number; refused: number; components: RestoredComponent[] }> {
  const repo = await ctx.repository();
  const done: RestoredComponent[] = [];
  let before = 0;
  let refused = 0;
  for (const p of await placements(ctx, manifest, target.overwrite)) {
    if (p.kind === 'files') {
      const result = await restoreTree(repo, p.manifest, {
        target: p.path,
        overwrite: target.overwrite ? 'always' : undefined,
        ownFiles: ctx.ownFiles,
        onProgress: (_files, bytes) => onProgress(before + bytes),
      });
      refused += result.refused.length;
      done.push({
        target: p.component.target,
        restored_to: p.path,
        bytes: result.bytes_restored,
        ...(result.refused.length > 0 && { refused: result.refused.slice(0, NOT_RESTORED_KEPT) }),
        ...(result.skipped.length > 0 && { skipped: result.skipped.slice(0, NOT_RESTORED_KEPT) }),
      });
    } else {
      const result = await runDatabaseRestore(ctx, repo, p.manifest, p.target, jobId, (bytes) =>
        onProgress(before + bytes),
      );
      done.push({
        target: p.component.target,
        restored_to: `database ${p.target.database}`,
        bytes: result.bytes,
      });
    }
    before += done.at(-1)!.bytes;
  }
  return { bytes: before, refused, components: done };
}

/** Validate the recovery: each component checked as its own restore would be. */
export async function checkRestoredApplication(
  ctx: ServiceContext,
  manifest: SnapshotManifest,
  target: ApplicationRestoreTarget,
  restored: RestoredComponent[],
): Promise<RestoredTreeCheck> {
  const repo = await ctx.repository();
  const reader = new ChunkReader(repo, await loadChunkIndex(repo));
  const total: RestoredTreeCheck = {
    files_checked: 0,
    bytes_checked: 0,
    dirs_checked: 0,
    symlinks_checked: 0,
    tables_checked: 0,
    problems: [],
  };
  for (const p of await placements(ctx, manifest, target.overwrite)) {
    if (p.kind === 'files') {
      // What the restore left alone on purpose is not compared (as for a restore of one tree).
      const record = restored.find((r) => r.target === p.component.target);
      const notRestored = [...(record?.refused ?? []), ...(record?.skipped ?? [])].map((x) => x.path);
      const check = await verifyRestoredTree(repo, reader, p.manifest, p.path, { notRestored });
      total.files_checked += check.files_checked;
      total.bytes_checked += check.bytes_checked;
      total.dirs_checked += check.dirs_checked;
      total.symlinks_checked += check.symlinks_checked;
      total.problems.push(...check.problems.map((x) => ({ ...x, path: `${p.component.target}: ${x.path}` })));
    } else {
      const check = await checkRestoredDatabase(ctx, p.manifest, p.target);
      total.tables_checked! += check.tables_checked;
      total.problems.push(
        ...check.problems.map((x) => ({ path: `${p.component.target}: ${x.table}`, problem: x.problem })),
      );
    }
  }
  return total;
}
