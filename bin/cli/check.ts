import { ExitCode } from '../../functions/core/errors';
import { openRepository, resolveSettings } from '../../functions/local/home';
import { checkRepository } from '../../functions/repository/check';
import { formatBytes, printJson, say, type GlobalOptions } from './output';

interface CheckOptions extends GlobalOptions {
  readData?: boolean;
}

export async function runCheck(options: CheckOptions): Promise<void> {
  const repository = await openRepository(resolveSettings(options));
  const report = await checkRepository(repository, { readData: options.readData });
  if (options.json) {
    printJson(report);
  } else {
    for (const p of report.problems) {
      say(
        `${p.severity}: ${p.object}${p.offset === undefined ? '' : ` at offset ${p.offset}`}: ${p.problem}`,
      );
    }
    const errors = report.problems.filter((p) => p.severity === 'error').length;
    say(
      `${report.ok ? 'No errors' : `${errors} error${errors === 1 ? '' : 's'}`}: ${report.snapshots} snapshots, ${report.indexes} indexes, ` +
        `${report.packs} packs, ${report.chunks} chunk references checked` +
        (options.readData
          ? `, ${formatBytes(report.bytes_read)} read and verified.`
          : ' (add --read-data to verify every chunk).'),
    );
  }
  if (!report.ok) process.exitCode = ExitCode.integrity;
}
