"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=schedule-registry.js.map