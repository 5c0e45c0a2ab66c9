"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.isZero = isZero;
const ZEROS = Buffer.alloc(64 * 1024);
/** True when every byte is zero: such chunks are restored as holes (sparse files stay sparse). */
function isZero(data) {
    for (let at = 0; at < data.length; at += ZEROS.length) {
        const piece = data.subarray(at, Math.min(at + ZEROS.length, data.length));
        if (!piece.equals(ZEROS.subarray(0, piece.length)))
            return false;
    }
    return true;
}
//# sourceMappingURL=zeros.js.map