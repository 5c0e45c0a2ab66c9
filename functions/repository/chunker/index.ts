export { Chunker, chunkStream, DEFAULT_CHUNKER, validateChunkerParams } from './fastcdc';
export type { Chunk, ChunkerOptions, ChunkerParams, ChunkVisitor } from './fastcdc';
export { keyedGear, MASKS, selectMasks, standardGear } from './gear';
export type { Masks } from './gear';
