"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.standardGear = exports.selectMasks = exports.MASKS = exports.keyedGear = exports.validateChunkerParams = exports.DEFAULT_CHUNKER = exports.chunkStream = exports.Chunker = void 0;
var fastcdc_1 = require("./fastcdc");
Object.defineProperty(exports, "Chunker", { enumerable: true, get: function () { return fastcdc_1.Chunker; } });
Object.defineProperty(exports, "chunkStream", { enumerable: true, get: function () { return fastcdc_1.chunkStream; } });
Object.defineProperty(exports, "DEFAULT_CHUNKER", { enumerable: true, get: function () { return fastcdc_1.DEFAULT_CHUNKER; } });
Object.defineProperty(exports, "validateChunkerParams", { enumerable: true, get: function () { return fastcdc_1.validateChunkerParams; } });
var gear_1 = require("./gear");
Object.defineProperty(exports, "keyedGear", { enumerable: true, get: function () { return gear_1.keyedGear; } });
Object.defineProperty(exports, "MASKS", { enumerable: true, get: function () { return gear_1.MASKS; } });
Object.defineProperty(exports, "selectMasks", { enumerable: true, get: function () { return gear_1.selectMasks; } });
Object.defineProperty(exports, "standardGear", { enumerable: true, get: function () { return gear_1.standardGear; } });
//# sourceMappingURL=index.js.map