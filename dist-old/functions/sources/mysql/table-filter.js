"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.tableFilterSink = tableFilterSink;
/**
 * The sections of a mysqldump SQL dump, by the comments mysqldump writes before each (kept on:
 * Lifeboat never passes --skip-comments): a table's structure and data, a view, routines, events.
 */
const SECTION = /^-- (Table structure for table|Dumping data for table|Temporary table structure for view|Final view structure for view) `((?:[^`]|``)+)`/;
const DATABASE_SECTION = /^-- Dumping (events|routines) for database /;
/** Session settings (outside any table) that the dump sets and restores around everything. */
const SESSION_SETTING = /^\/\*!\d+ SET [^`]*\*\/;$/;
/**
 * A sink that passes on only the chosen tables of a dump (structure, data, their triggers) and
 * the dump's session settings: the partial restore of a MySQL dump. Views, routines and events
 * are left out unless a view is chosen by name. Lines are statements (mysqldump escapes line
 * breaks inside values), so the dump is filtered a line at a time with bounded memory.
 */
function tableFilterSink(inner, tables) {
    const chosen = new Set(tables);
    let keep = true;
    let pending = [];
    const filterLine = (line) => {
        const text = line.subarray(0, 300).toString('utf8');
        const section = SECTION.exec(text);
        if (section)
            keep = chosen.has(section[2].replace(/``/g, '`'));
        else if (DATABASE_SECTION.test(text))
            keep = false;
        return keep || SESSION_SETTING.test(text.trimEnd());
    };
    const flushLines = async (data) => {
        let start = 0;
        for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
            const line = pending.length
                ? Buffer.concat([...pending, data.subarray(start, nl + 1)])
                : data.subarray(start, nl + 1);
            pending = [];
            if (filterLine(line))
                await inner.write(Buffer.from(line));
            start = nl + 1;
        }
        if (start < data.length)
            pending.push(Buffer.from(data.subarray(start)));
    };
    return {
        write: (data) => flushLines(data),
        end: async () => {
            if (pending.length) {
                const line = Buffer.concat(pending);
                pending = [];
                if (filterLine(line))
                    await inner.write(line);
            }
            await inner.end();
        },
        abort: () => inner.abort(),
    };
}
//# sourceMappingURL=table-filter.js.map