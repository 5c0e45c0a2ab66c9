// An in-process local system (SQLite catalog, repository, event bus) in a temporary home, with a
// source directory recorded as the target "web".
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addTarget } from '../../functions/core/services/targets';
import { resolveSettings } from '../../functions/local/home';
import { localSystem, type LocalSystem } from '../../functions/local/system';

export interface TempSystem {
  dir: string;
  source: string;
  system: LocalSystem;
  cleanup(): Promise<void>;
}

export async function tempSystem(prefix: string, fill: (source: string) => void): Promise<TempSystem> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const source = path.join(dir, 'source');
  fs.mkdirSync(source);
  fill(source);
  const system = localSystem(resolveSettings({}, { LIFEBOAT_HOME: path.join(dir, 'home') }), {});
  await addTarget(system.ctx, { name: 'web', target_config: { kind: 'filesystem', paths: [source] } });
  return {
    dir,
    source,
    system,
    async cleanup() {
      await system.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
