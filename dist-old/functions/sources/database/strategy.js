"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.configOf = configOf;
const errors_1 = require("../../core/errors");
/** A strategy's own kind of target config (the registry hands each strategy only its own). */
function configOf(kind, config) {
    if (config.kind !== kind)
        throw new errors_1.InputError(`A ${config.kind} target is not a ${kind} database.`, 'This is a bug; please report it.');
    return config;
}
//# sourceMappingURL=strategy.js.map