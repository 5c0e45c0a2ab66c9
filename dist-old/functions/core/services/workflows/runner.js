"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runner = runner;
exports.isDeadLocalRunner = isDeadLocalRunner;
const node_os_1 = require("node:os");
function runner() {
    return { host: (0, node_os_1.hostname)(), pid: process.pid };
}
/** True when the runner was a process on this host that is gone; a remote one cannot be known. */
function isDeadLocalRunner(r) {
    if (r.host !== (0, node_os_1.hostname)())
        return false;
    try {
        process.kill(r.pid, 0);
        return false;
    }
    catch (error) {
        // EPERM: it exists, owned by someone else.
        return error.code !== 'EPERM';
    }
}
//# sourceMappingURL=runner.js.map