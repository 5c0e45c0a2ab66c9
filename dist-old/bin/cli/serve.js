"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runServe = runServe;
const interrupted_1 = require("../../functions/core/services/workflows/interrupted");
const engine_1 = require("../../functions/local/engine");
const home_1 = require("../../functions/local/home");
const api_server_1 = require("../../functions/local/api-server");
const reactions_1 = require("../../functions/local/reactions");
const scheduler_1 = require("../../functions/local/scheduler");
const system_1 = require("../../functions/local/system");
const step_failure_1 = require("../../functions/core/services/workflows/step-failure");
const output_1 = require("./output");
/**
 * The local engine and scheduler in the foreground until interrupted: schedules fire, their
 * backup workflows run in-process, and every job is recorded in the catalog.
 */
async function runServe(options) {
    const settings = (0, home_1.resolveSettings)(options);
    const system = (0, system_1.localSystem)(settings);
    const { ctx } = system;
    const interrupted = await (0, interrupted_1.markInterruptedBackups)(ctx);
    for (const b of interrupted)
        (0, output_1.say)(`Backup ${b.id} of "${b.target_identifier}" was interrupted by a stop; marked failed.`);
    const engine = new engine_1.LocalEngine(ctx);
    const scheduler = new scheduler_1.LocalScheduler(ctx, engine, {
        catchUp: options.catchUp ? 'once' : 'none',
        tickMs: options.tick * 1000,
        onRun: (schedule, time, run) => {
            if (run.status === 'ALREADY_STARTED')
                return;
            (0, output_1.say)(`${new Date().toISOString()} schedule "${schedule.name}" (${time.toISOString()}): ` +
                (run.status === 'SUCCEEDED'
                    ? 'backup completed'
                    : `backup failed: ${(0, step_failure_1.describeStepError)(run.error)}`));
        },
        onError: (schedule, error) => (0, output_1.say)(`schedule "${schedule.name}": ${error.message}`),
    });
    // EventBridge's rules locally: a completed scheduled backup is verified (when its schedule asks)
    // and its schedule's retention applied (when it has a policy).
    const followUps = (0, reactions_1.reactOn)(system.events, engine, (reaction, run) => {
        if (run instanceof Error || run.status === 'FAILED')
            (0, output_1.say)(`${reaction.workflow} after a backup failed: ${run instanceof Error ? run.message : (0, step_failure_1.describeStepError)(run.error)}`);
    });
    let api;
    if (options.api) {
        const token = (0, api_server_1.ensureApiToken)(settings.home);
        api = await (0, api_server_1.startApiServer)(ctx, engine, { host: options.host, port: options.port, token: token.token });
        (0, output_1.say)(`API: ${api.url} (GET /openapi.json describes it; changes need the token in ${token.file}).`);
        if (token.created) {
            (0, output_1.say)(`API token (shown once; it stays in ${token.file}): ${token.token}`);
            (0, output_1.say)(`Admin UI, signed in: ${api.url}/ui/#token=${token.token}`);
        }
        else
            (0, output_1.say)(`Admin UI: ${api.url}/ui/ (sign in with the token in ${token.file}).`);
    }
    (0, output_1.say)(`Lifeboat is serving: schedules fire while this runs (repository: ${ctx.storage.location}). Ctrl-C stops.`);
    scheduler.start();
    await new Promise((resolve) => {
        const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            (0, output_1.say)('Stopping: waiting for running backups to finish (a second Ctrl-C abandons them; they are marked failed at the next start).');
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
//# sourceMappingURL=serve.js.map