"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OwnerNames = void 0;
const node_fs_1 = require("node:fs");
/**
 * User and group names by id, from /etc/passwd and /etc/group (the files, not NSS: enough for a
 * restore to map owners by name on another machine, which is what the names are recorded for).
 */
class OwnerNames {
    users = OwnerNames.load('/etc/passwd');
    groups = OwnerNames.load('/etc/group');
    static load(file) {
        const names = new Map();
        let text = '';
        try {
            text = (0, node_fs_1.readFileSync)(file, 'utf8');
        }
        catch {
            return names;
        }
        for (const line of text.split('\n')) {
            const [name, , id] = line.split(':');
            const n = Number(id);
            if (name && Number.isSafeInteger(n) && !names.has(n))
                names.set(n, name);
        }
        return names;
    }
    user(uid) {
        return this.users.get(uid) ?? '';
    }
    group(gid) {
        return this.groups.get(gid) ?? '';
    }
    /** Reverse lookups for restore: the id a name has on this machine, if any. */
    uidOf(name) {
        for (const [id, n] of this.users)
            if (n === name)
                return id;
        return undefined;
    }
    gidOf(name) {
        for (const [id, n] of this.groups)
            if (n === name)
                return id;
        return undefined;
    }
}
exports.OwnerNames = OwnerNames;
//# sourceMappingURL=owners.js.map