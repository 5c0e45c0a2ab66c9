import { openRepository, resolveSettings } from '../../functions/local/home';
import { summarize } from '../../functions/repository/snapshot';
import { formatBytes, formatTable, printJson, say, type GlobalOptions } from './output';

interface SnapshotsOptions extends GlobalOptions {
  name?: string;
}

export async function runSnapshots(options: SnapshotsOptions): Promise<void> {
  const repository = await openRepository(resolveSettings(options));
  const all = (await repository.listSnapshots()).filter(
    (s) => options.name === undefined || s.name === options.name,
  );
  const rows = all.map(summarize);
  if (options.json) {
    printJson(rows);
    return;
  }
  if (rows.length === 0) {
    say(options.name ? `No backups of "${options.name}".` : 'No backups yet.');
    return;
  }
  const table = [
    ['ID', 'NAME', 'TYPE', 'COMPLETED', 'SIZE', 'STORED', 'PARENT'],
    ...rows.map((r) => [
      r.id,
      r.name,
      r.backup_type,
      r.completed_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      formatBytes(r.original_size_bytes),
      formatBytes(r.final_size_bytes),
      r.parent_backup_id ?? '-',
    ]),
  ];
  process.stdout.write(`${formatTable(table)}\n`);
}
