import { lazyKmsKeyProvider } from '../../functions/adapters/aws/kms/lazy';
import { createKeyFile, KeyFileProvider } from '../../functions/adapters/local/key-file';
import { PassphraseProvider } from '../../functions/adapters/local/passphrase';
import { InputError } from '../../functions/core/errors';
import type { KeyProvider, KeySlot } from '../../functions/core/ports/key-provider';
import { openingProviders, openRepository, resolveSettings } from '../../functions/local/home';
import { Repository } from '../../functions/repository/repository';
import { formatTable, printJson, say, type GlobalOptions } from './output';

interface KeyAddOptions extends GlobalOptions {
  writer?: boolean;
  kms?: string;
  newKeyFile?: string;
  passphraseEnv?: string;
}

function describeSlot(slot: KeySlot): string {
  if (slot.kind === 'kms') return slot.kms?.key_arn ?? '';
  if (slot.kind === 'keyfile') return `key file ${slot.kek_id ?? ''}`;
  return 'passphrase';
}

/** The secret a new slot is made for; exactly one of the options. */
async function newSlotProvider(options: KeyAddOptions): Promise<{ provider: KeyProvider; note?: string }> {
  const given = [options.kms, options.newKeyFile, options.passphraseEnv].filter((v) => v !== undefined);
  if (given.length !== 1)
    throw new InputError(
      'Say which key to add: exactly one of --kms ARN, --new-key-file PATH or --passphrase-env VAR.',
    );
  if (options.kms) return { provider: lazyKmsKeyProvider(options.kms) };
  if (options.newKeyFile) {
    await createKeyFile(options.newKeyFile);
    return {
      provider: new KeyFileProvider(options.newKeyFile),
      note: `New key file ${options.newKeyFile}: keep a copy somewhere safe, apart from the backups.`,
    };
  }
  const passphrase = process.env[options.passphraseEnv!];
  if (!passphrase)
    throw new InputError(
      `The environment variable ${options.passphraseEnv} is not set or empty.`,
      'Export the new passphrase in that variable (it is never taken on the command line, where others could see it).',
    );
  return { provider: new PassphraseProvider(passphrase) };
}

export async function runKeyAdd(options: KeyAddOptions): Promise<void> {
  const repository = await openRepository(resolveSettings(options));
  const { provider, note } = await newSlotProvider(options);
  if (options.writer) {
    const { slot, indexesResealed } = await repository.addWriterSlot(provider);
    if (note) say(note);
    say(
      `Added writer slot ${slot.id} (${slot.kind}: ${describeSlot(slot)}): it backs up, but cannot restore, list or read any backup.`,
    );
    if (indexesResealed > 0)
      say(
        `Sealed ${indexesResealed} index objects again under the index key, so that writers deduplicate against them.`,
      );
    if (options.json) printJson({ ...slotSummary(slot, repository), indexes_resealed: indexesResealed });
    return;
  }
  const slot = await repository.addKeySlot(provider);
  if (note) say(note);
  say(`Added key slot ${slot.id} (${slot.kind}: ${describeSlot(slot)}).`);
  if (options.json) printJson(slotSummary(slot, repository));
}

function slotSummary(slot: KeySlot, repository: Repository): Record<string, unknown> {
  const generation = slot.generation ?? 0;
  return {
    id: slot.id,
    kind: slot.kind,
    created_at: slot.created_at,
    key_arn: slot.kms?.key_arn ?? null,
    kek_id: slot.kek_id ?? null,
    generation,
    role: slot.role === 'writer' ? 'writer' : 'reader',
    // A slot of an older generation reads the backups made before the rotation, never writes.
    writable: generation === repository.keys.latestGeneration,
    current: slot.id === repository.openedSlot.id,
  };
}

function generationNote(slot: KeySlot, repository: Repository): string {
  const generation = slot.generation ?? 0;
  if (generation === repository.keys.latestGeneration) return String(generation);
  return `${generation} (read-only)`;
}

export async function runKeyList(options: GlobalOptions): Promise<void> {
  const repository = await openRepository(resolveSettings(options));
  const read = await Repository.readSlots(repository.store);
  const slots = read
    .flatMap((r) => ('slot' in r ? [r.slot] : []))
    .filter(
      (s) =>
        s.repo_id === repository.config.repo_id && (s.generation ?? 0) <= repository.keys.latestGeneration,
    )
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  const damaged = read.flatMap((r) => ('damage' in r ? [r.key] : []));
  if (options.json) {
    printJson({
      repo_id: repository.config.repo_id,
      generation: repository.keys.latestGeneration,
      slots: slots.map((s) => slotSummary(s, repository)),
      damaged,
    });
    return;
  }
  say(`Repository ${repository.config.repo_id} (${repository.store.location}):`);
  process.stdout.write(
    `${formatTable([
      ['ID', 'KIND', 'ROLE', 'CREATED', 'GENERATION', 'KEY', ''],
      ...slots.map((s) => [
        s.id,
        s.kind,
        s.role === 'writer' ? 'write-only' : 'read-write',
        s.created_at,
        generationNote(s, repository),
        describeSlot(s),
        s.id === repository.openedSlot.id ? '(opened with)' : '',
      ]),
    ])}\n`,
  );
  for (const key of damaged) say(`warning: ${key} is damaged and opens nothing (see \`lifeboat check\`).`);
}

export async function runKeyRemove(id: string, options: GlobalOptions): Promise<void> {
  const repository = await openRepository(resolveSettings(options));
  await repository.removeKeySlot(id);
  say(`Removed key slot ${id.toUpperCase()}.`);
  if (options.json) printJson({ removed: id.toUpperCase() });
}

export async function runKeyRotate(options: GlobalOptions): Promise<void> {
  const settings = resolveSettings(options);
  const repository = await openRepository(settings);
  const report = await repository.rotateKey(openingProviders(settings), (arn) => lazyKmsKeyProvider(arn));
  if (options.json) {
    printJson({
      generation: report.generation,
      rewrapped: report.rewrapped.map(({ from, to }) => ({ from: from.id, to: to.id, kind: to.kind })),
      left: report.left.map((s) => ({ id: s.id, kind: s.kind, generation: s.generation ?? 0 })),
    });
  }
  say(
    `Rotated the repository key to generation ${report.generation}: new data is sealed under the new key; every older backup stays readable.`,
  );
  for (const { from, to } of report.rewrapped)
    say(`  key slot ${from.id} replaced by ${to.id} (${to.kind}: ${describeSlot(to)})`);
  for (const slot of report.left)
    say(
      `warning: key slot ${slot.id} (${slot.kind}: ${describeSlot(slot)}) stays at generation ${slot.generation ?? 0}: its secret was not at hand. ` +
        `It still reads the backups made before the rotation but can no longer write. Give that secret a current slot with \`lifeboat key add\`, or remove it with \`lifeboat key remove ${slot.id}\`.`,
    );
}
