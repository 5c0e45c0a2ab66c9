import { LifeboatError } from '../../../core/errors';
import { ToolProcess } from '../../database/tool';
import { pgToolPath } from '../tools';

/**
 * The commit times in a WAL segment, from pg_waldump (in UTC). pg_waldump exits non-zero at the
 * end of a segment that is not full (after a WAL switch); its output up to there is what counts.
 */
export async function walCommitTimes(file: string): Promise<{ first: string | null; last: string | null }> {
  const tool = new ToolProcess(
    {
      name: 'pg_waldump',
      command: pgToolPath('pg_waldump'),
      args: [file],
      env: { PATH: process.env.PATH, TZ: 'UTC' },
      missingHint:
        'Install the PostgreSQL server tools (Debian: postgresql), or point LIFEBOAT_PG_BIN at them.',
    },
    { stdin: false, stdout: true },
  );
  let first: string | null = null;
  let last: string | null = null;
  let rest = '';
  try {
    for await (const data of tool.stdout()) {
      const lines = (rest + data.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const commit = /desc: COMMIT (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) UTC/.exec(line);
        if (!commit) continue;
        const at = `${commit[1]}T${commit[2]}Z`;
        first ??= at;
        last = at;
      }
    }
  } catch (error) {
    if (error instanceof LifeboatError && error.code === 'TOOL_MISSING') throw error;
    // The end of a partly filled segment: the records read so far stand.
  }
  return { first, last };
}
