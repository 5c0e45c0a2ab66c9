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
exports.builtFile = builtFile;
exports.workerScript = workerScript;
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
/**
 * Path of a file the build puts beside the compiled module in `dirname` (a worker's script, a
 * native addon). From dist/ it is the sibling; under ts-jest the caller is a .ts source, and the
 * build's copy in dist/ is used (npm test builds first).
 */
function builtFile(dirname, file) {
    const sibling = path.join(dirname, file);
    if ((0, node_fs_1.existsSync)(sibling))
        return sibling;
    const root = path.join(__dirname, '..', '..');
    return path.join(root, 'dist', path.relative(root, dirname), file);
}
/** Path of a worker-thread entry compiled to JavaScript (see builtFile). */
function workerScript(dirname, name) {
    return builtFile(dirname, `${name}.js`);
}
//# sourceMappingURL=worker-script.js.map