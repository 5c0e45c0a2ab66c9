"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runWorker = runWorker;
// The Fargate container's entry point: the long-running steps, for sources too big for Lambda's
// 15 minutes. The state machine's ecs:runTask.sync task runs `node fargate-worker.js run-backup`
// with BACKUP_ID (or run-restore with RECOVERY_JOB_ID): the same step function as the Lambda route.
const logger_1 = require("@aws-lambda-powertools/logger");
const step_errors_1 = require("../core/services/workflows/step-errors");
const steps_1 = require("../core/services/workflows/steps");
const young_generation_1 = require("../core/young-generation");
const aws_context_1 = require("./aws-context");
// Before the step's work grows the heap (see young-generation.ts).
(0, young_generation_1.capYoungGeneration)();
const logger = new logger_1.Logger({ serviceName: 'lifeboat' });
async function runWorker(argv, env) {
    const name = argv[0] ?? '';
    const command = steps_1.WORKER_COMMANDS[name];
    const step = command ? steps_1.STEPS[command.step] : undefined;
    if (!command || !step) {
        logger.error('unknown worker command', { command: name, known: Object.keys(steps_1.WORKER_COMMANDS) });
        return 2;
    }
    const value = env[command.env];
    if (!value) {
        logger.error('missing job id', { command: name, variable: command.env });
        return 2;
    }
    try {
        const result = await step((0, aws_context_1.awsContext)(env), { [command.field]: value });
        logger.info('worker finished', { command: name, result: result });
        return 0;
    }
    catch (error) {
        const shaped = (0, step_errors_1.asStepError)(error);
        logger.error('worker failed', { command: name, errorType: shaped.name, errorMessage: shaped.message });
        return 1;
    }
}
if (require.main === module) {
    void runWorker(process.argv.slice(2), process.env).then((code) => process.exit(code));
}
//# sourceMappingURL=fargate-worker.js.map