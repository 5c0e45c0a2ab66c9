"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=secrets.js.map