"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.planReads = planReads;
/** Records this close in a pack are fetched in one read, the gap included. */
const MERGE_GAP = 256 * 1024;
/**
 * Groups located records by pack and merges records that lie within MERGE_GAP bytes of each
 * other into one read (the gap is read too: a request costs more than a few hundred KiB).
 * Returns the reads and, per record, the index of the read that holds it.
 */
function planReads(located) {
    const byPack = new Map();
    located.forEach((l, i) => {
        const members = byPack.get(l.object);
        if (members)
            members.push(i);
        else
            byPack.set(l.object, [i]);
    });
    const reads = [];
    const readOf = new Array(located.length);
    for (const members of byPack.values()) {
        members.sort((a, b) => located[a].entry.offset - located[b].entry.offset);
        let current;
        for (const i of members) {
            const { object, pack, entry } = located[i];
            const recordEnd = entry.offset + entry.storedLength;
            if (current && entry.offset <= current.end + MERGE_GAP) {
                current.end = Math.max(current.end, recordEnd);
            }
            else {
                current = { object, pack, start: entry.offset, end: recordEnd };
                reads.push(current);
            }
            readOf[i] = reads.length - 1;
        }
    }
    return { reads, readOf };
}
//# sourceMappingURL=range-plan.js.map