import { readFileSync } from 'node:fs';
import { InputError } from '../../functions/core/errors';
import { estimateCost, PriceTableSchema, type PriceTable } from '../../functions/core/services/cost';
import { count, formatBytes, formatTable, printJson, say, type GlobalOptions } from './output';
import { withSystem } from './with-system';

interface CostOptions extends GlobalOptions {
  days: number;
  prices?: string;
}

function readPrices(file: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`Cannot read the price file ${file}: ${(error as Error).message}.`);
  }
  const parsed = PriceTableSchema.safeParse(raw);
  if (!parsed.success)
    throw new InputError(
      `The price file ${file} is not a price table: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}.`,
      'See docs/OPERATIONS.md ("What it costs") for the format.',
    );
  return parsed.data;
}

/** `lifeboat cost`: a monthly estimate of the repository's storage and request charges. */
export async function runCost(options: CostOptions): Promise<void> {
  const prices = options.prices ? readPrices(options.prices) : undefined;
  await withSystem(
    options,
    async (system) => {
      const repo = await system.ctx.repository();
      const estimate = await estimateCost(system.ctx, repo.store, { days: options.days, prices });
      if (options.json) return printJson(estimate);
      const money = (n: number) => `${n.toFixed(2)} ${estimate.currency}`;
      process.stdout.write(
        `${formatTable([
          ['STORED IN', 'OBJECTS', 'BYTES', 'PER MONTH'],
          ...estimate.storage.map((s) => [
            s.class,
            String(s.objects),
            formatBytes(s.bytes),
            money(s.monthly),
          ]),
        ])}\n`,
      );
      const counts = Object.entries(estimate.requests)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k.toUpperCase()}`)
        .join(', ');
      say(
        `Requests by ${count(estimate.backups_in_window, 'backup')} in the last ${estimate.window_days} days: ${counts || 'none recorded'}` +
          ` → ${money(estimate.requests_monthly)} a month at that rate.` +
          (estimate.backups_without_counts
            ? ` (${estimate.backups_without_counts} backups recorded no counts.)`
            : ''),
      );
      say(
        `Estimated total: ${money(estimate.total_monthly)} a month (${estimate.prices_as_of}; restores, retrieval and transfer not included).`,
      );
    },
    { requireRepository: true },
  );
}
