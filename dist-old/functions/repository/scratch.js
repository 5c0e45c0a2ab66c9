"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.grownScratch = grownScratch;
/**
 * `scratch`, or a bigger one for `needed` bytes: at least twice the size. Grown to just the size
 * needed, a thread's scratch was replaced at every new largest chunk (13 outgrown buffers in one
 * chunk worker over a 1 GiB backup), and glibc kept the freed buffers of all those sizes in the
 * worker's arena: 41 MiB of arenas at the end of a 4 GiB cloud backup against 29 when doubling.
 */
function grownScratch(scratch, needed) {
    return scratch.length >= needed ? scratch : Buffer.allocUnsafeSlow(Math.max(needed, scratch.length * 2));
}
//# sourceMappingURL=scratch.js.map