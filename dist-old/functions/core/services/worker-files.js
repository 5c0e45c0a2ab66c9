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
exports.workerFilesFromEnv = workerFilesFromEnv;
exports.checkWorkerPaths = checkWorkerPaths;
const nodePath = __importStar(require("node:path"));
const errors_1 = require("../errors");
/** From the environment the stack gives its workers; an empty value means no mount. */
function workerFilesFromEnv(env) {
    return { mountPath: env.LIFEBOAT_FILES_MOUNT || null };
}
/**
 * Refuses, before any work, a path the workers cannot reach: one outside the mount, or any path
 * when there is no mount. `use` says what the path is for ("back up", "restore into").
 */
function checkWorkerPaths(files, paths, use) {
    if (!files)
        return;
    const mount = files.mountPath;
    for (const path of paths) {
        if (mount === null)
            throw new errors_1.InputError(`Cannot ${use} ${path} on AWS: this deployment mounts no file system, so its workers see no files of yours.`, 'Deploy with -c lifeboat:fileSystem=\'{"fileSystemId":…,"accessPointId":…,"securityGroupId":…}\' (docs/OPERATIONS.md §8) and name paths under its mount path.');
        // A relative path would be the worker's own (its working directory): never the mount's.
        const resolved = nodePath.posix.resolve('/', path);
        if (!path.startsWith('/') || (resolved !== mount && !resolved.startsWith(`${mount}/`)))
            throw new errors_1.InputError(`Cannot ${use} ${path}: the workers see files only on the file system mounted at ${mount}.`, `Name a path under ${mount}/ (the root of the EFS access point is ${mount}).`);
    }
}
//# sourceMappingURL=worker-files.js.map