"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.walCommitTimes = walCommitTimes;
const errors_1 = require("../../../core/errors");
const tool_1 = require("../../database/tool");
const tools_1 = require("../tools");
/**
 * The commit times in a WAL segment, from pg_waldump (in UTC). pg_waldump exits non-zero at the
 * end of a segment that is not full (after a WAL switch); its output up to there is what counts.
 */
async function walCommitTimes(file) {
    const tool = new tool_1.ToolProcess({
        name: 'pg_waldump',
        command: (0, tools_1.pgToolPath)('pg_waldump'),
        args: [file],
        env: { PATH: process.env.PATH, TZ: 'UTC' },
        missingHint: 'Install the PostgreSQL server tools (Debian: postgresql), or point LIFEBOAT_PG_BIN at them.',
    }, { stdin: false, stdout: true });
    let first = null;
    let last = null;
    let rest = '';
    try {
        for await (const data of tool.stdout()) {
            const lines = (rest + data.toString('utf8')).split('\n');
            rest = lines.pop() ?? '';
            for (const line of lines) {
                const commit = /desc: COMMIT (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) UTC/.exec(line);
                if (!commit)
                    continue;
                const at = `${commit[1]}T${commit[2]}Z`;
                first ??= at;
                last = at;
            }
        }
    }
    catch (error) {
        if (error instanceof errors_1.LifeboatError && error.code === 'TOOL_MISSING')
            throw error;
        // The end of a partly filled segment: the records read so far stand.
    }
    return { first, last };
}
//# sourceMappingURL=wal.js.map