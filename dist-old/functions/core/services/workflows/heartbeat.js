"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.withHeartbeat = withHeartbeat;
exports.heartbeat = heartbeat;
const node_async_hooks_1 = require("node:async_hooks");
const current = new node_async_hooks_1.AsyncLocalStorage();
/**
 * Runs a workflow step with a heartbeat listener: a Task with `HeartbeatSeconds` fails with
 * States.HeartbeatTimeout when its step goes quiet that long (the local engine enforces it).
 */
function withHeartbeat(listener, run) {
    return current.run(listener, run);
}
/** Says the running step is alive; steps call it as they make progress (JobProgress does). */
function heartbeat() {
    current.getStore()?.();
}
//# sourceMappingURL=heartbeat.js.map