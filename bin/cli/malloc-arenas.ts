import { fixMmapThreshold, limitMallocArenas } from '../../functions/core/malloc-arenas';

// Before any worker thread starts (and before libuv's pool does): the threads that get an arena
// after this call share the capped few.
limitMallocArenas();
fixMmapThreshold();
