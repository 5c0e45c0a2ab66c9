"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=workflows.js.map