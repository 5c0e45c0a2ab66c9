"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RequestCounter = void 0;
/**
 * Requests a cloud store made, by kind: what a provider bills per request, so that `lifeboat
 * cost` and a backup's record can say what the storage calls cost, not only the bytes.
 */
class RequestCounter {
    counts = { put: 0, get: 0, list: 0, head: 0, delete: 0 };
    add(kind, n = 1) {
        this.counts[kind] += n;
    }
    snapshot() {
        return { ...this.counts };
    }
}
exports.RequestCounter = RequestCounter;
//# sourceMappingURL=request-counter.js.map