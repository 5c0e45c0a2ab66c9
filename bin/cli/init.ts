import { initLocalRepository, resolveSettings, type LocalSettings } from '../../functions/local/home';
import { printJson, say, type GlobalOptions } from './output';

export function announceNewRepository(
  settings: LocalSettings,
  repoId: string,
  keyFileCreated: boolean,
): void {
  say(`Created repository ${repoId} at ${settings.repoPath}.`);
  if (settings.passphrase !== undefined) {
    say('It is protected by the passphrase in LIFEBOAT_PASSPHRASE: losing the passphrase loses the backups.');
  } else {
    say(
      `Its key is in ${settings.keyFile}${keyFileCreated ? ' (new)' : ''}. Keep a copy of that file somewhere safe, ` +
        'apart from the backups: losing the key loses the backups.',
    );
  }
}

export async function runInit(options: GlobalOptions): Promise<void> {
  const settings = resolveSettings(options);
  const { repository, keyFileCreated } = await initLocalRepository(settings);
  announceNewRepository(settings, repository.config.repo_id, keyFileCreated);
  if (options.json) {
    printJson({
      repo_id: repository.config.repo_id,
      repository: settings.repoPath,
      key_file: settings.passphrase === undefined ? settings.keyFile : null,
      key_file_created: keyFileCreated,
    });
  }
}
