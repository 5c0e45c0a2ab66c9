import { InputError } from '../../functions/core/errors';
import type { AuditEntry } from '../../functions/core/model/audit';
import { rebuildCatalog } from '../../functions/core/services/catalog/rebuild';
import { formatTable, printJson, say, type GlobalOptions } from './output';
import { withSystem } from './with-system';

interface AuditOptions extends GlobalOptions {
  since?: string;
  until?: string;
  user?: string;
  limit: number;
}

/** "2026-11-26", "2026-11-26T10:00Z" or a duration back from now ("24h", "7d"). */
export function parseWhen(value: string, now = new Date()): string {
  const duration = /^(\d+)([mhdw])$/.exec(value);
  if (duration) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
      duration[2] as 'm' | 'h' | 'd' | 'w'
    ];
    return new Date(now.getTime() - Number(duration[1]) * unit).toISOString();
  }
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new InputError(
      `"${value}" is not a time.`,
      'Give a date (2026-11-26), a time (2026-11-26T10:00Z) or a duration back from now (24h, 7d).',
    );
  return new Date(time).toISOString();
}

/** Every recorded action, newest first: who, what, when. */
export async function runAudit(options: AuditOptions): Promise<void> {
  const range = {
    limit: options.limit,
    ...(options.since ? { since: parseWhen(options.since) } : {}),
    ...(options.until ? { until: parseWhen(options.until) } : {}),
  };
  await withSystem(options, async (system) => {
    const page = options.user
      ? await system.catalog.listAuditByUser(options.user, range)
      : await system.catalog.listAudit(range);
    if (options.json) return printJson(page);
    if (page.items.length === 0) return say('Nothing recorded in that time.');
    const rows = [
      ['TIME', 'USER', 'ACTION', 'ENTITY', 'DETAILS'],
      ...page.items.map((a: AuditEntry) => [
        a.timestamp.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        a.user_id ?? '-',
        a.action,
        `${a.entity_type}${a.entity_id ? ` ${a.entity_id}` : ''}`,
        a.details ? JSON.stringify(a.details).slice(0, 80) : '',
      ]),
    ];
    process.stdout.write(`${formatTable(rows)}\n`);
    if (page.next) say('More entries: narrow with --since/--until or raise --limit.');
  });
}

/** Regenerates the catalog's backups (and missing targets) from the repository alone. */
export async function runCatalogRebuild(options: GlobalOptions): Promise<void> {
  await withSystem(
    options,
    async (system) => {
      const result = await rebuildCatalog(system.ctx);
      if (options.json) return printJson(result);
      say(
        `Catalog rebuilt from ${result.snapshots} snapshot(s): ${result.backups_added} backup(s) added, ` +
          `${result.backups_updated} corrected, ${result.targets_added} target(s) added. Schedules are not in the repository; add them again if the catalog was lost.`,
      );
    },
    { requireRepository: true },
  );
}
