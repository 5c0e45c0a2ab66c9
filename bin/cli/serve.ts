import { markInterruptedBackups } from '../../functions/core/services/workflows/interrupted';
import { LocalEngine } from '../../functions/local/engine';
import { resolveSettings } from '../../functions/local/home';
import { ensureApiToken, startApiServer, type ApiServer } from '../../functions/local/api-server';
import { reactOn } from '../../functions/local/reactions';
import { LocalScheduler } from '../../functions/local/scheduler';
import { localSystem } from '../../functions/local/system';
import { describeStepError } from '../../functions/core/services/workflows/step-failure';
import { say, type GlobalOptions } from './output';

interface ServeOptions extends GlobalOptions {
  catchUp: boolean;
  tick: number;
  api: boolean;
  port: number;
  host: string;
}

/**
 * The local engine and scheduler in the foreground until interrupted: schedules fire, their
 * backup workflows run in-process, and every job is recorded in the catalog.
 */
export async function runServe(options: ServeOptions): Promise<void> {
  const settings = resolveSettings(options);
  const system = localSystem(settings);
  const { ctx } = system;
  const interrupted = await markInterruptedBackups(ctx);
  for (const b of interrupted)
    say(`Backup ${b.id} of "${b.target_identifier}" was interrupted by a stop; marked failed.`);
  const engine = new LocalEngine(ctx);
  const scheduler = new LocalScheduler(ctx, engine, {
    catchUp: options.catchUp ? 'once' : 'none',
    tickMs: options.tick * 1000,
    onRun: (schedule, time, run) => {
      if (run.status === 'ALREADY_STARTED') return;
      say(
        `${new Date().toISOString()} schedule "${schedule.name}" (${time.toISOString()}): ` +
          (run.status === 'SUCCEEDED'
            ? 'backup completed'
            : `backup failed: ${describeStepError(run.error)}`),
      );
    },
    onError: (schedule, error) => say(`schedule "${schedule.name}": ${(error as Error).message}`),
  });
  // EventBridge's rules locally: a completed scheduled backup is verified (when its schedule asks)
  // and its schedule's retention applied (when it has a policy).
  const followUps = reactOn(system.events, engine, (reaction, run) => {
    if (run instanceof Error || run.status === 'FAILED')
      say(
        `${reaction.workflow} after a backup failed: ${run instanceof Error ? run.message : describeStepError(run.error)}`,
      );
  });
  let api: ApiServer | undefined;
  if (options.api) {
    const token = ensureApiToken(settings.home);
    api = await startApiServer(ctx, engine, { host: options.host, port: options.port, token: token.token });
    say(`API: ${api.url} (GET /openapi.json describes it; changes need the token in ${token.file}).`);
    if (token.created) {
      say(`API token (shown once; it stays in ${token.file}): ${token.token}`);
      say(`Admin UI, signed in: ${api.url}/ui/#token=${token.token}`);
    } else say(`Admin UI: ${api.url}/ui/ (sign in with the token in ${token.file}).`);
  }
  say(
    `Lifeboat is serving: schedules fire while this runs (repository: ${ctx.storage.location}). Ctrl-C stops.`,
  );
  scheduler.start();
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      say(
        'Stopping: waiting for running backups to finish (a second Ctrl-C abandons them; they are marked failed at the next start).',
      );
      process.once('SIGINT', () => process.exit(130));
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await api?.close();
  await scheduler.stop();
  await followUps.settled();
  await system.close();
}
