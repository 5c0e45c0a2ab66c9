"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.withSystem = withSystem;
const home_1 = require("../../functions/local/home");
const system_1 = require("../../functions/local/system");
/**
 * Runs a command's body with the local system (catalog, repository, events) and closes it after.
 * `requireRepository`: the command reads an existing repository and must not create one.
 */
async function withSystem(options, body, { requireRepository = false, readFrom } = {}) {
    const settings = (0, home_1.resolveSettings)(options);
    const repository = requireRepository ? await (0, home_1.openRepository)(readFrom ?? settings) : undefined;
    const system = (0, system_1.localSystem)(settings, process.env, { readFrom, repository });
    try {
        return await body(system);
    }
    finally {
        await system.close();
    }
}
//# sourceMappingURL=with-system.js.map