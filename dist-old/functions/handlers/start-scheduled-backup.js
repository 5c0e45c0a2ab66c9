"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.handler = void 0;
// Lambda entry that EventBridge Scheduler invokes at each scheduled time of a schedule: starts
// the backup workflow under a deterministic execution name (functions/core/services/schedules/scheduled-run.ts).
const client_sfn_1 = require("@aws-sdk/client-sfn");
const workflow_starter_1 = require("../adapters/aws/sfn/workflow-starter");
const scheduled_run_1 = require("../core/services/schedules/scheduled-run");
const step_handler_1 = require("./step-handler");
let starter;
exports.handler = (0, step_handler_1.instrumentedHandler)('StartScheduledBackup', (event) => (0, scheduled_run_1.startScheduledBackup)((0, step_handler_1.sharedContext)(), (starter ??= new workflow_starter_1.StepFunctionsStarter(new client_sfn_1.SFNClient({}), process.env)), event));
//# sourceMappingURL=start-scheduled-backup.js.map