export type RequestKind = 'put' | 'get' | 'list' | 'head' | 'delete';

/**
 * Requests a cloud store made, by kind: what a provider bills per request, so that `lifeboat
 * cost` and a backup's record can say what the storage calls cost, not only the bytes.
 */
export class RequestCounter {
  readonly counts: Record<RequestKind, number> = { put: 0, get: 0, list: 0, head: 0, delete: 0 };

  add(kind: RequestKind, n = 1): void {
    this.counts[kind] += n;
  }

  snapshot(): Record<RequestKind, number> {
    return { ...this.counts };
  }
}
