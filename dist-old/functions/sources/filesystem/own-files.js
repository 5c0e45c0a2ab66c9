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
exports.OwnFiles = void 0;
const node_fs_1 = require("node:fs");
const nodePath = __importStar(require("node:path"));
const path_text_1 = require("./path-text");
const paths_1 = require("./paths");
/**
 * Lifeboat's own files on this machine: the local repository, the catalog and the key file. A
 * file backup leaves them out wherever it finds them in the tree (`lifeboat backup ~` with the
 * repository in ~/.lifeboat): every backup would store the packs the last one wrote again
 * (encrypted, so never deduplicated); the catalog is a live database the backup itself writes to
 * (`lifeboat catalog rebuild` makes it again from the repository); and a key inside the backups
 * it opens is no copy of it. A restore leaves them alone: restoring that home in place with
 * --delete removed the repository it was reading from. Known by device and inode, so another
 * path to them (a symlink in the tree's prefix, a bind mount) is recognised too.
 */
class OwnFiles {
    /** Their names as latin1 strings, as the walk lists entries. */
    names = new Set();
    what = new Map();
    /** Their real paths, for a directory about to be removed that may hold one of them. */
    real = [];
    constructor(files = []) {
        for (const file of files) {
            const bytes = (0, path_text_1.nameBytes)(file.path);
            try {
                const st = (0, node_fs_1.lstatSync)(bytes, { bigint: true });
                this.what.set((0, paths_1.inodeKey)(st), file.what);
                this.names.add((0, path_text_1.nameBytes)(nodePath.basename(file.path)).toString('latin1'));
                this.real.push({ path: node_fs_1.realpathSync.native(bytes, { encoding: 'latin1' }), what: file.what });
            }
            catch {
                // Not there (yet): nothing of it can be in the tree either.
            }
        }
    }
    /**
     * What the entry named `name` (its bytes, or them as latin1, as a listing gives it) at `path` is,
     * when it is one of them. Only an entry with one of their names costs an lstat: a walk asks this
     * of every entry.
     */
    entry(name, path) {
        if (this.names.size === 0)
            return undefined;
        if (!this.names.has(typeof name === 'string' ? name : name.toString('latin1')))
            return undefined;
        const st = lstatOrUndefined(path);
        return st && this.what.get((0, paths_1.inodeKey)(st));
    }
    /** What of theirs the entry at `path` is or, a directory, holds: it must not be removed. */
    heldBy(path) {
        if (this.real.length === 0)
            return undefined;
        const st = lstatOrUndefined(path);
        if (!st)
            return undefined;
        const own = this.what.get((0, paths_1.inodeKey)(st));
        if (own || !st.isDirectory())
            return own;
        let real;
        try {
            // Native: Node's own realpath reads a path's bytes as UTF-8, and fails on other names.
            real = node_fs_1.realpathSync.native(path, { encoding: 'latin1' });
        }
        catch (error) {
            if (error.code === 'ENOENT')
                return undefined; // gone meanwhile
            throw error;
        }
        return this.real.find((file) => file.path.startsWith(`${real}/`))?.what;
    }
    /** What of theirs `path` is, or is inside (it need not exist yet): no place to restore into. */
    containing(path) {
        if (this.real.length === 0)
            return undefined;
        const real = realOfNearest(nodePath.resolve(path));
        return this.real.find((file) => real === file.path || real.startsWith(`${file.path}/`))?.what;
    }
}
exports.OwnFiles = OwnFiles;
/** The real path of `path`, through its nearest existing ancestor (as latin1, like OwnFiles.real). */
function realOfNearest(path) {
    const rest = [];
    for (let at = path;; at = nodePath.dirname(at)) {
        try {
            const real = node_fs_1.realpathSync.native((0, path_text_1.nameBytes)(at), { encoding: 'latin1' });
            return nodePath.join(real, ...rest.map((part) => (0, path_text_1.nameBytes)(part).toString('latin1')));
        }
        catch {
            if (nodePath.dirname(at) === at)
                return (0, path_text_1.nameBytes)(path).toString('latin1');
            rest.unshift(nodePath.basename(at));
        }
    }
}
function lstatOrUndefined(path) {
    try {
        return (0, node_fs_1.lstatSync)(path, { bigint: true });
    }
    catch {
        return undefined;
    }
}
//# sourceMappingURL=own-files.js.map