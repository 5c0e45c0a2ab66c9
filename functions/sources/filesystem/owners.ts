import { readFileSync } from 'node:fs';

/**
 * User and group names by id, from /etc/passwd and /etc/group (the files, not NSS: enough for a
 * restore to map owners by name on another machine, which is what the names are recorded for).
 */
export class OwnerNames {
  private readonly users = OwnerNames.load('/etc/passwd');
  private readonly groups = OwnerNames.load('/etc/group');

  private static load(file: string): Map<number, string> {
    const names = new Map<number, string>();
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return names;
    }
    for (const line of text.split('\n')) {
      const [name, , id] = line.split(':');
      const n = Number(id);
      if (name && Number.isSafeInteger(n) && !names.has(n)) names.set(n, name);
    }
    return names;
  }

  user(uid: number): string {
    return this.users.get(uid) ?? '';
  }

  group(gid: number): string {
    return this.groups.get(gid) ?? '';
  }

  /** Reverse lookups for restore: the id a name has on this machine, if any. */
  uidOf(name: string): number | undefined {
    for (const [id, n] of this.users) if (n === name) return id;
    return undefined;
  }

  gidOf(name: string): number | undefined {
    for (const [id, n] of this.groups) if (n === name) return id;
    return undefined;
  }
}
