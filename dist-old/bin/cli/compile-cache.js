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
const node_module_1 = require("node:module");
const node_os_1 = require("node:os");
const path = __importStar(require("node:path"));
// The CLI loads about 300 modules (2.5 MB of JavaScript; zod alone is 1 MB) before it does
// anything, on every command. Node keeps the compiled code of each on disk (checked against the
// source) when asked: the modules of a one-file backup took 188-237 ms to load with the cache
// against 225-319 ms without it. The cache is the user's own ($XDG_CACHE_HOME/lifeboat, by
// default ~/.cache/lifeboat), not Node's default in the shared temporary directory: code read from
// a directory another user could have made first would run as whoever runs the backup, often
// root. Nor is it in LIFEBOAT_HOME, which a command that fails leaves as it found it. Anything
// that goes wrong with the cache only means compiling again; NODE_DISABLE_COMPILE_CACHE=1 turns
// it off.
try {
    const cacheHome = process.env.XDG_CACHE_HOME || path.join((0, node_os_1.homedir)(), '.cache');
    (0, node_module_1.enableCompileCache)(path.join(path.resolve(cacheHome), 'lifeboat', 'compile'));
}
catch {
    // No home directory to be found (a user without one): no cache, the same commands.
}
//# sourceMappingURL=compile-cache.js.map