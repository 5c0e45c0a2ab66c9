// The Fargate container's entry point: the long-running steps, for sources too big for Lambda's
// 15 minutes. The state machine's ecs:runTask.sync task runs `node fargate-worker.js run-backup`
// with BACKUP_ID (or run-restore with RECOVERY_JOB_ID): the same step function as the Lambda route.
import { Logger } from '@aws-lambda-powertools/logger';
import { asStepError } from '../core/services/workflows/step-errors';
import { STEPS, WORKER_COMMANDS } from '../core/services/workflows/steps';
import { capYoungGeneration } from '../core/young-generation';
import { awsContext } from './aws-context';

// Before the step's work grows the heap (see young-generation.ts).
capYoungGeneration();

const logger = new Logger({ serviceName: 'lifeboat' });

export async function runWorker(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const name = argv[0] ?? '';
  const command = WORKER_COMMANDS[name];
  const step = command ? STEPS[command.step] : undefined;
  if (!command || !step) {
    logger.error('unknown worker command', { command: name, known: Object.keys(WORKER_COMMANDS) });
    return 2;
  }
  const value = env[command.env];
  if (!value) {
    logger.error('missing job id', { command: name, variable: command.env });
    return 2;
  }
  try {
    const result = await step(awsContext(env), { [command.field]: value });
    logger.info('worker finished', { command: name, result: result as Record<string, unknown> });
    return 0;
  } catch (error) {
    const shaped = asStepError(error);
    logger.error('worker failed', { command: name, errorType: shaped.name, errorMessage: shaped.message });
    return 1;
  }
}

if (require.main === module) {
  void runWorker(process.argv.slice(2), process.env).then((code) => process.exit(code));
}
