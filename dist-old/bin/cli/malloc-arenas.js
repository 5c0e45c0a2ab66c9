"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const malloc_arenas_1 = require("../../functions/core/malloc-arenas");
// Before any worker thread starts (and before libuv's pool does): the threads that get an arena
// after this call share the capped few.
(0, malloc_arenas_1.limitMallocArenas)();
//# sourceMappingURL=malloc-arenas.js.map