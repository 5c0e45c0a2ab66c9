import * as fs from 'node:fs';
import * as path from 'node:path';

export const MACHINES = ['backup', 'restore', 'verify', 'retention'] as const;
export type MachineName = (typeof MACHINES)[number];

/** An ASL document as far as the engine and the lint read it. */
export interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  TimeoutSeconds?: number;
  Retry?: unknown[];
  Catch?: unknown[];
  ItemProcessor?: AslDefinition;
  Iterator?: AslDefinition;
  Branches?: AslDefinition[];
  [field: string]: unknown;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  QueryLanguage?: string;
  [field: string]: unknown;
}

/** The state-machines/ folder: beside functions/ in the source tree and in the package. */
export function stateMachinesDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'state-machines');
    if (fs.existsSync(path.join(candidate, 'backup.asl.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error('state-machines/ not found beside the code');
  }
}

export function loadDefinition(machine: MachineName): { text: string; definition: AslDefinition } {
  const text = fs.readFileSync(path.join(stateMachinesDir(), `${machine}.asl.json`), 'utf8');
  return { text, definition: JSON.parse(text) as AslDefinition };
}

/** Every state, also those inside Map and Parallel states, with its name. */
export function* allStates(definition: AslDefinition): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries(definition.States)) {
    yield [name, state];
    const nested = [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])];
    for (const inner of nested) if (inner) yield* allStates(inner);
  }
}

/** The `${Name}` placeholders of a definition's text. */
export function placeholdersOf(text: string): Set<string> {
  return new Set([...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]!));
}

/** Replaces every placeholder with a value (the local engine's fake ARNs). */
export function substitute(text: string, values: (name: string) => string): string {
  return text.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, name: string) => values(name));
}
