import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The files of this repository that the CDK app deploys, by path (DESIGN.md §2: `lib/` knows
 * handler entry files and ASL files, nothing else of `functions/`). Found from the compiled app
 * (dist/lib) and from the sources (ts-jest) alike, by walking up to package.json.
 */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'state-machines')))
      return dir;
    if (path.dirname(dir) === dir)
      throw new Error('The Lifeboat project root was not found above ' + __dirname);
  }
}

/** Lifeboat's version (package.json), built into the Lambda bundles. */
export function projectVersion(): string {
  return (
    JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
}

/** The built admin UI (scripts/build-ui.js writes it; `npm run build` runs that). */
export function adminUiAssets(): string {
  const dir = path.join(projectRoot(), 'dist', 'ui');
  if (!fs.existsSync(path.join(dir, 'app.js')))
    throw new Error(`The admin UI is not built (${dir} has no app.js): run \`npm run build\` first.`);
  return dir;
}

export const WORKFLOWS = ['backup', 'restore', 'verify', 'retention'] as const;
export type WorkflowName = (typeof WORKFLOWS)[number];

/** The text of a workflow exactly as the local engine reads it. */
export function workflowDefinition(name: WorkflowName): string {
  return fs.readFileSync(path.join(projectRoot(), 'state-machines', `${name}.asl.json`), 'utf8');
}

/** The `${Name}` placeholders of a definition, in order of first use. */
export function placeholdersOf(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]!))];
}

/** `RunBackupFunctionArn` names the step whose Lambda entry is functions/handlers/run-backup.ts. */
export function isStepPlaceholder(placeholder: string): boolean {
  return placeholder.endsWith('FunctionArn');
}

export function stepName(placeholder: string): string {
  return placeholder.replace(/FunctionArn$/, '');
}

export function handlerEntry(name: string): string {
  const file = name.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? '' : '-') + c.toLowerCase());
  const entry = path.join(projectRoot(), 'functions', 'handlers', `${file}.ts`);
  if (!fs.existsSync(entry)) throw new Error(`No handler for ${name}: ${entry} does not exist.`);
  return entry;
}
