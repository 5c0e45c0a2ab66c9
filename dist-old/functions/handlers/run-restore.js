"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.handler = void 0;
// Lambda entry of the workflow step RunRestore (state machines: ${RunRestoreFunctionArn}).
const step_handler_1 = require("./step-handler");
exports.handler = (0, step_handler_1.stepHandler)('RunRestoreFunctionArn');
//# sourceMappingURL=run-restore.js.map