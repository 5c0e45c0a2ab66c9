"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.piecesConsumed = piecesConsumed;
exports.bodyBatches = bodyBatches;
/** Tells a body's writer that the store is done with `pieces`, where the body wants to know. */
function piecesConsumed(body, pieces) {
    if (typeof body === 'object' && body !== null && 'consumed' in body && typeof body.consumed === 'function')
        body.consumed(pieces);
}
/** The pieces of a streamed body in batches: as it hands them over, or one by one. */
async function* bodyBatches(body, minBytes) {
    if ('batches' in body && typeof body.batches === 'function') {
        yield* body.batches(minBytes);
        return;
    }
    for await (const piece of body)
        yield [piece];
}
//# sourceMappingURL=object-store.js.map