// Lambda entry that EventBridge Scheduler invokes at each scheduled time of a schedule: starts
// the backup workflow under a deterministic execution name (functions/core/services/schedules/scheduled-run.ts).
import { SFNClient } from '@aws-sdk/client-sfn';
import { StepFunctionsStarter } from '../adapters/aws/sfn/workflow-starter';
import { startScheduledBackup } from '../core/services/schedules/scheduled-run';
import { instrumentedHandler, sharedContext } from './step-handler';

let starter: StepFunctionsStarter | undefined;

export const handler = instrumentedHandler('StartScheduledBackup', (event) =>
  startScheduledBackup(
    sharedContext(),
    (starter ??= new StepFunctionsStarter(new SFNClient({}), process.env)),
    event,
  ),
);
