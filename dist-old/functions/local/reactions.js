"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.reactionsTo = reactionsTo;
exports.reactOn = reactOn;
/**
 * EventBridge's rules on one machine (in AWS: lib/events.ts, matching the same fields): a
 * completed backup whose schedule verifies starts a checksum verification, and one whose schedule
 * has a retention policy starts that schedule's retention.
 */
function reactionsTo(event) {
    if (event.type !== 'Backup Completed')
        return [];
    const out = [];
    const { backup_id, verification_enabled, retention_enabled, schedule_name } = event.detail;
    if (verification_enabled === true)
        out.push({ workflow: 'verify', input: { backup: String(backup_id), verification_type: 'checksum' } });
    if (retention_enabled === true && typeof schedule_name === 'string')
        out.push({ workflow: 'retention', input: { schedule: schedule_name } });
    return out;
}
/**
 * Subscribes the reactions to the local bus: each runs on the engine in the background.
 * `settled()` resolves when every started run has finished (the serve loop's shutdown).
 */
function reactOn(bus, engine, onRun = () => undefined) {
    const running = new Set();
    bus.subscribe((event) => {
        for (const reaction of reactionsTo(event)) {
            const run = engine.run(reaction.workflow, reaction.input).then((record) => onRun(reaction, record), (error) => onRun(reaction, error instanceof Error ? error : new Error(String(error))));
            running.add(run);
            void run.finally(() => running.delete(run));
        }
    });
    return {
        settled: async () => {
            while (running.size > 0)
                await Promise.allSettled([...running]);
        },
    };
}
//# sourceMappingURL=reactions.js.map