"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=byte-sink.js.map