import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { InputError } from '../../../core/errors';
import type { WorkflowName, WorkflowStarter } from '../../../core/ports/workflows';

/**
 * Step Functions: a workflow's state machine ARN comes from LIFEBOAT_<WORKFLOW>_STATE_MACHINE_ARN
 * (set by the CDK app on the functions that start it). An existing execution of the same name is
 * "already started", whatever its status: Step Functions keeps names for 90 days.
 */
export class StepFunctionsStarter implements WorkflowStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async start(
    workflow: WorkflowName,
    input: Record<string, unknown>,
    name: string,
  ): Promise<'started' | 'already_started'> {
    const variable = `LIFEBOAT_${workflow.toUpperCase()}_STATE_MACHINE_ARN`;
    const stateMachineArn = this.env[variable];
    if (!stateMachineArn)
      throw new InputError(
        `${variable} is not set.`,
        `The deployment sets it on functions that start the ${workflow} workflow.`,
      );
    try {
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return 'started';
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return 'already_started';
      throw error;
    }
  }
}
