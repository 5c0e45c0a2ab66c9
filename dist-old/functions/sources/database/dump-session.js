"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.dumpSession = dumpSession;
/**
 * The life of a dump: its bytes stream once; `describe` is asked after they have all gone
 * through; `release` (stop the tool, end the connections) runs exactly once, after the
 * description or as soon as the stream is abandoned or fails.
 */
function dumpSession(parts) {
    let released = false;
    const close = async () => {
        if (released)
            return;
        released = true;
        await parts.release();
    };
    let finished = false;
    async function* stream() {
        try {
            yield* parts.bytes;
            finished = true;
        }
        finally {
            if (!finished)
                await close();
        }
    }
    return {
        stream: stream(),
        close,
        info: async () => {
            try {
                return await parts.describe();
            }
            finally {
                await close();
            }
        },
    };
}
//# sourceMappingURL=dump-session.js.map