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
exports.lifeboatVersion = lifeboatVersion;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
/**
 * Lifeboat's version: its package.json's, found above this file in the source tree and in dist/,
 * or the one a Lambda bundle was built with.
 */
function lifeboatVersion() {
    if (typeof LIFEBOAT_BUNDLED_VERSION === 'string')
        return LIFEBOAT_BUNDLED_VERSION;
    for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
        const file = path.join(dir, 'package.json');
        if (!fs.existsSync(file))
            continue;
        const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (manifest.name === 'lifeboat' && manifest.version)
            return manifest.version;
    }
    return 'unknown';
}
//# sourceMappingURL=version.js.map