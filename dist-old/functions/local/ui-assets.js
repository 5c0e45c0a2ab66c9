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
exports.UI_SECURITY_HEADERS = void 0;
exports.uiAssetsDir = uiAssetsDir;
exports.loadUiAssets = loadUiAssets;
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.map': 'application/json',
    '.txt': 'text/plain; charset=utf-8',
    '.json': 'application/json',
};
/**
 * The page may talk to its own origin only, runs no inline script and cannot be framed: what
 * keeps a hostile page or an injected string from acting with the operator's token.
 */
exports.UI_SECURITY_HEADERS = {
    'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
};
/** Where the built UI is: dist/ui beside the compiled code, or from the sources' point of view. */
function uiAssetsDir() {
    return [path.resolve(__dirname, '../../ui'), path.resolve(__dirname, '../../dist/ui')].find((dir) => (0, node_fs_1.existsSync)(path.join(dir, 'app.js')));
}
/**
 * The admin UI's files, read once: only the names the build wrote are served, so no request
 * path can reach another file. `config.json` tells the app to use this API with the local token.
 */
function loadUiAssets(dir = uiAssetsDir()) {
    const assets = new Map();
    if (!dir)
        return assets;
    for (const name of (0, node_fs_1.readdirSync)(dir)) {
        const type = TYPES[path.extname(name)];
        if (type)
            assets.set(name, { type, body: (0, node_fs_1.readFileSync)(path.join(dir, name)) });
    }
    assets.set('config.json', {
        type: TYPES['.json'],
        body: Buffer.from(JSON.stringify({ auth: 'token', api: '/' })),
    });
    return assets;
}
//# sourceMappingURL=ui-assets.js.map