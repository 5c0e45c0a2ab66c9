import { openRepository, resolveSettings, type LocalSettings } from '../../functions/local/home';
import { localSystem, type LocalSystem } from '../../functions/local/system';
import type { GlobalOptions } from './output';

/**
 * Runs a command's body with the local system (catalog, repository, events) and closes it after.
 * `requireRepository`: the command reads an existing repository and must not create one.
 */
export async function withSystem<T>(
  options: GlobalOptions,
  body: (system: LocalSystem) => Promise<T>,
  { requireRepository = false, readFrom }: { requireRepository?: boolean; readFrom?: LocalSettings } = {},
): Promise<T> {
  const settings = resolveSettings(options);
  const repository = requireRepository ? await openRepository(readFrom ?? settings) : undefined;
  const system = localSystem(settings, process.env, { readFrom, repository });
  try {
    return await body(system);
  } finally {
    await system.close();
  }
}
