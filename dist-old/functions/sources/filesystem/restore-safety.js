"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PathFilter = void 0;
exports.unsafeNameReason = unsafeNameReason;
exports.splitSnapshotPath = splitSnapshotPath;
/**
 * What a restore may create, whatever a manifest says: a name is one path component, never
 * empty, `.` or `..`, and holds no `/` or NUL. Everything else (spaces, newlines, bytes that are
 * not UTF-8) is a valid name on Linux and round-trips.
 */
function unsafeNameReason(name) {
    if (name.length === 0)
        return 'empty name';
    if (name.length === 1 && name[0] === 0x2e)
        return 'name is "."';
    if (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e)
        return 'name is ".." (would escape the target)';
    if (name.includes(0x2f))
        return 'name contains "/" (would write elsewhere than its directory)';
    if (name.includes(0))
        return 'name contains a NUL byte';
    return undefined;
}
/**
 * A user-given snapshot path (--include, --exclude, `ls PATH`) as components, without leading or
 * trailing slashes; `..` and `.` are refused so that a filter can only narrow what is restored.
 */
function splitSnapshotPath(path) {
    const parts = path.split('/').filter((p) => p.length > 0);
    if (parts.some((p) => p === '..' || p === '.'))
        return undefined;
    return parts;
}
/** Include/exclude filters on snapshot paths (components joined by "/"). */
class PathFilter {
    includes;
    excludes;
    constructor(includes, excludes) {
        this.includes = includes.map((p) => p.join('/'));
        this.excludes = excludes.map((p) => p.join('/'));
    }
    /** Whether any filter was given: without one, everything is restored whole. */
    get narrows() {
        return this.includes.length > 0 || this.excludes.length > 0;
    }
    static under(path, prefix) {
        return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
    }
    excluded(path) {
        return this.excludes.some((e) => PathFilter.under(path, e));
    }
    /** Restored with everything below it. */
    whole(path) {
        if (this.excluded(path))
            return false;
        return this.includes.length === 0 || this.includes.some((i) => PathFilter.under(path, i));
    }
    /** A directory on the way to an included path: created, and entered, but not restored whole. */
    onTheWay(path) {
        if (this.excluded(path))
            return false;
        return this.includes.some((i) => i.startsWith(`${path}/`));
    }
}
exports.PathFilter = PathFilter;
//# sourceMappingURL=restore-safety.js.map