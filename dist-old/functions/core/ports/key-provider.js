"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=key-provider.js.map