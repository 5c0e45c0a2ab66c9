// The bench installs nothing: it finds the peers and datasets it needs, or says which Debian
// packages provide them.
import * as fs from 'node:fs';
import { GNU_TIME, LINUX_SOURCE_XZ } from './config';
import { isExecutable, which } from './exec';
import { findPgTools, serverUser, type PgTools } from './postgres';

export type Part = 'linux' | 'pg' | 'tree' | 'memory' | 'cloud' | 'chunker';

export interface Prereqs {
  restic?: string;
  borg?: string;
  pg?: PgTools;
  /** Debian packages to install, in install order, without duplicates. */
  missing: string[];
  /** Why each package is needed. */
  reasons: string[];
}

export function checkPrereqs(parts: ReadonlySet<Part>): Prereqs {
  const p: Prereqs = { missing: [], reasons: [] };
  const need = (pkg: string, why: string): void => {
    if (!p.missing.includes(pkg)) p.missing.push(pkg);
    p.reasons.push(`${why} (${pkg})`);
  };
  const usesRestic = parts.has('linux') || parts.has('pg') || parts.has('tree');
  if (usesRestic) {
    p.restic = which('restic');
    if (!p.restic) need('restic', 'restic is the reference for every goal');
  }
  if (parts.has('linux') || parts.has('tree')) {
    p.borg = which('borg');
    if (!p.borg) need('borgbackup', 'borg is measured on the linux tar and tree for reference');
    if (!fs.existsSync(LINUX_SOURCE_XZ)) need('linux-source-6.1', `${LINUX_SOURCE_XZ} is the linux dataset`);
    if (!which('xz')) need('xz-utils', 'xz decompresses the linux source');
  }
  if (parts.has('tree')) {
    if (!which('tar')) need('tar', 'tar extracts the linux source tree');
    if (!which('cp')) need('coreutils', 'cp -a makes the working copy of the tree');
  }
  if (!isExecutable(GNU_TIME)) need('time', `${GNU_TIME} measures wall, CPU and peak RSS`);
  if (parts.has('pg')) {
    const pg = findPgTools();
    const user = serverUser();
    if (pg && typeof user !== 'string') p.pg = pg;
    else need('postgresql', 'initdb, pg_ctl, pgbench and pg_dump make the pgbench dataset');
  }
  return p;
}

export function installHint(packages: readonly string[]): string {
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  return `${sudo}apt-get install -y ${packages.join(' ')}`;
}
