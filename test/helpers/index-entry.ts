import { randomBytes } from 'node:crypto';
import type { IndexEntry } from '../../functions/repository/index-object';
import { PackClass } from '../../functions/repository/pack';

/** An index entry numbered `i` (its fields derived from it), under a random id unless given one. */
export function indexEntry(i: number, id: Buffer = randomBytes(32)): IndexEntry {
  return {
    id,
    packId: randomBytes(16),
    packClass: i % 5 === 0 ? PackClass.meta : PackClass.data,
    offset: i * 1000,
    storedLength: 100 + i,
    rawLength: 4096 + i,
    codec: i % 2,
  };
}
