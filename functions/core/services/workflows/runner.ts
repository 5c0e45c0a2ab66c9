import { hostname } from 'node:os';

/** The process working on a job: lets a restart tell a dead job from a live one. */
export interface Runner {
  host: string;
  pid: number;
}

export function runner(): Runner {
  return { host: hostname(), pid: process.pid };
}

/** True when the runner was a process on this host that is gone; a remote one cannot be known. */
export function isDeadLocalRunner(r: Runner): boolean {
  if (r.host !== hostname()) return false;
  try {
    process.kill(r.pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code !== 'EPERM';
  }
}
