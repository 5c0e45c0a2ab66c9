"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.owned = owned;
/** Moves memory across threads without a copy, unless it shares an ArrayBuffer (Node's pool). */
function owned(data) {
    return data.byteOffset === 0 && data.buffer.byteLength === data.byteLength ? data : new Uint8Array(data);
}
//# sourceMappingURL=owned.js.map