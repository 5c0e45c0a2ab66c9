"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.loadNativeAddon = loadNativeAddon;
const node_fs_1 = require("node:fs");
const worker_script_1 = require("./worker-script");
/**
 * A native addon built by `npm run build` (scripts/build-native.js) beside the module in
 * `dirname`, or undefined where there is none: no C compiler at build time, a bundle (Lambda),
 * or a build for another platform or Node. Every addon is optional; its module says what it does
 * without it.
 */
function loadNativeAddon(dirname, file) {
    const path = (0, worker_script_1.builtFile)(dirname, file);
    if (!(0, node_fs_1.existsSync)(path))
        return undefined;
    try {
        // A .node file cannot be bundled or imported: it is loaded by path, at run time.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(path);
    }
    catch {
        return undefined;
    }
}
//# sourceMappingURL=native-addon.js.map