"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RingWriter = void 0;
/**
 * The writing side of a ring of memory shared with one reading thread: a worker places chunk
 * payloads in it and the reader (the main thread) takes them in the order they were placed, then
 * gives the bytes back by lowering a shared counter of bytes in use.
 *
 * Payloads moved between threads one ArrayBuffer each had V8 account for a new external buffer
 * per file on the main thread, and the worker allocate one per file: both threads spent their time
 * in collections (0.7-0.8 s of each thread's CPU in a backup of the Linux source tree) to keep
 * resident memory down. The ring is allocated once.
 */
class RingWriter {
    memory;
    used;
    slot;
    bytes;
    head = 0;
    /**
     * @param used bytes in use, at `slot`: raised here as payloads are placed, lowered (with a
     *   notify) by the reader as it gives them back
     */
    constructor(memory, used, slot) {
        this.memory = memory;
        this.used = used;
        this.slot = slot;
        this.bytes = Buffer.from(memory);
        if (memory.byteLength > 0x7fffffff)
            throw new Error('a ring is at most 2 GiB');
    }
    /**
     * Copies `data` into the ring once there is room, after the byte `lead` when given; returns
     * where it starts (the lead byte's place), and the bytes it takes (its length and the lead,
     * plus the end of the ring skipped when it did not fit there).
     * @param beforeWait called before waiting for room: what was placed but not yet sent to the
     *   reader must be sent, or the reader could never give it back
     */
    put(data, beforeWait, lead) {
        const size = this.bytes.length;
        const leadLength = lead === undefined ? 0 : 1;
        const length = leadLength + data.length;
        if (length > size)
            throw new Error(`a payload of ${length} bytes does not fit a ring of ${size}`);
        for (let waited = false;; waited = true) {
            const current = Atomics.load(this.used, this.slot);
            // Everything given back: start again at the beginning, where any payload fits.
            if (current === 0)
                this.head = 0;
            // Placed at the start when it does not fit before the end (whose rest is then skipped).
            const wraps = this.head + length > size;
            const bytes = (wraps ? size - this.head : 0) + length;
            if (current + bytes <= size) {
                const at = wraps ? 0 : this.head;
                if (lead !== undefined)
                    this.bytes[at] = lead;
                // Buffer.copy: TypedArray.set into shared memory is about 2.5 times slower.
                Buffer.from(data.buffer, data.byteOffset, data.length).copy(this.bytes, at + leadLength);
                this.head = at + length;
                Atomics.add(this.used, this.slot, bytes);
                return { at, bytes };
            }
            if (!waited)
                beforeWait();
            Atomics.wait(this.used, this.slot, current, 50);
        }
    }
}
exports.RingWriter = RingWriter;
//# sourceMappingURL=ring-writer.js.map