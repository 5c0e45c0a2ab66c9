"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const young_generation_1 = require("../../functions/core/young-generation");
// Before the commands' modules load and their work grows the heap.
(0, young_generation_1.capYoungGeneration)();
//# sourceMappingURL=young-generation.js.map