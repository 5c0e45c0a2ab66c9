"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.MACHINES = void 0;
exports.stateMachinesDir = stateMachinesDir;
exports.loadDefinition = loadDefinition;
exports.allStates = allStates;
exports.placeholdersOf = placeholdersOf;
exports.substitute = substitute;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
exports.MACHINES = ['backup', 'restore', 'verify', 'retention'];
/** The state-machines/ folder: beside functions/ in the source tree and in the package. */
function stateMachinesDir() {
    for (let dir = __dirname;; dir = path.dirname(dir)) {
        const candidate = path.join(dir, 'state-machines');
        if (fs.existsSync(path.join(candidate, 'backup.asl.json')))
            return candidate;
        if (path.dirname(dir) === dir)
            throw new Error('state-machines/ not found beside the code');
    }
}
function loadDefinition(machine) {
    const text = fs.readFileSync(path.join(stateMachinesDir(), `${machine}.asl.json`), 'utf8');
    return { text, definition: JSON.parse(text) };
}
/** Every state, also those inside Map and Parallel states, with its name. */
function* allStates(definition) {
    for (const [name, state] of Object.entries(definition.States)) {
        yield [name, state];
        const nested = [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])];
        for (const inner of nested)
            if (inner)
                yield* allStates(inner);
    }
}
/** The `${Name}` placeholders of a definition's text. */
function placeholdersOf(text) {
    return new Set([...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]));
}
/** Replaces every placeholder with a value (the local engine's fake ARNs). */
function substitute(text, values) {
    return text.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, name) => values(name));
}
//# sourceMappingURL=state-machines.js.map