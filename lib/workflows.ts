import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  isStepPlaceholder,
  placeholdersOf,
  stepName,
  workflowDefinition,
  WORKFLOWS,
  type WorkflowName,
} from './project';
import type { Workers } from './workers';

export interface WorkflowsProps {
  readonly workers: Workers;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

interface AslState {
  Type?: string;
  Resource?: string;
  Parameters?: { FunctionName?: unknown };
  TimeoutSeconds?: number;
  States?: Record<string, AslState>;
  ItemProcessor?: { States?: Record<string, AslState> };
  Iterator?: { States?: Record<string, AslState> };
  Branches?: { States?: Record<string, AslState> }[];
}

/** Each step placeholder's longest Task timeout in a definition (the Lambda's timeout). */
export function stepTimeouts(definition: string): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (states: Record<string, AslState> | undefined): void => {
    for (const state of Object.values(states ?? {})) {
      const name = state.Parameters?.FunctionName;
      const match = typeof name === 'string' ? /^\$\{([A-Za-z0-9]+)\}$/.exec(name) : null;
      if (state.Type === 'Task' && match)
        out.set(match[1]!, Math.max(out.get(match[1]!) ?? 0, state.TimeoutSeconds ?? 60));
      visit(state.ItemProcessor?.States);
      visit(state.Iterator?.States);
      for (const branch of state.Branches ?? []) visit(branch.States);
    }
  };
  visit((JSON.parse(definition) as AslState).States);
  return out;
}

/**
 * Refuses what this app cannot yet give the rights for: a Distributed Map's child executions and
 * its S3 reader and writer need grants (states:StartExecution on the machine itself, the
 * buckets), which Workflows does not make. The local engine runs them (functions/local/distributed-map.ts).
 */
export function assertDeployable(name: string, definition: string): void {
  const distributed: string[] = [];
  const visit = (states: Record<string, AslState & Record<string, unknown>> | undefined): void => {
    for (const [stateName, state] of Object.entries(states ?? {})) {
      const mode = (state.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined)
        ?.ProcessorConfig?.Mode;
      if (
        state.Type === 'Map' &&
        (mode === 'DISTRIBUTED' || 'ItemReader' in state || 'ResultWriter' in state)
      )
        distributed.push(stateName);
      visit(state.ItemProcessor?.States as never);
      visit(state.Iterator?.States as never);
      for (const branch of state.Branches ?? []) visit(branch.States as never);
    }
  };
  visit((JSON.parse(definition) as AslState).States as never);
  if (distributed.length > 0)
    throw new Error(
      `state-machines/${name}.asl.json has a Distributed Map (${distributed.join(', ')}): give its role the rights for child executions and its S3 reader and writer in lib/workflows.ts first.`,
    );
}

/**
 * The four state machines, deployed from `state-machines/*.asl.json` as they are (the text the
 * local engine runs) with `definitionSubstitutions` for every `${Placeholder}`: Standard type,
 * every event logged, X-Ray tracing, and a role that may invoke exactly the functions its
 * definition names and run exactly the task definitions it names.
 */
export class Workflows extends Construct {
  readonly stateMachines = {} as Record<WorkflowName, sfn.StateMachine>;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-workflows`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    for (const name of WORKFLOWS) this.stateMachines[name] = this.workflow(name, props.workers);
  }

  private workflow(name: WorkflowName, workers: Workers): sfn.StateMachine {
    const definition = workflowDefinition(name);
    assertDeployable(name, definition);
    const timeouts = stepTimeouts(definition);
    const substitutions: Record<string, string> = {};
    const invoked: string[] = [];
    const tasks: { taskDefinitionArn: string; roles: iam.IRole[] }[] = [];
    const infrastructure: Record<string, () => string> = {
      ClusterArn: () => workers.cluster.clusterArn,
      BackupTaskDefinitionArn: () => {
        tasks.push(roles(workers.backupTask));
        return workers.backupTask.taskDefinitionArn;
      },
      RestoreTaskDefinitionArn: () => {
        tasks.push(roles(workers.restoreTask));
        return workers.restoreTask.taskDefinitionArn;
      },
      WorkerSubnetIds: () => workers.subnetIds.join(','),
      WorkerSecurityGroupIds: () => workers.securityGroups.map((g) => g.securityGroupId).join(','),
      WorkerAssignPublicIp: () => workers.assignPublicIp,
    };
    for (const placeholder of placeholdersOf(definition)) {
      if (isStepPlaceholder(placeholder)) {
        const fn = workers.functionFor({
          step: stepName(placeholder),
          timeoutSeconds: timeouts.get(placeholder) ?? 60,
        });
        substitutions[placeholder] = fn.functionArn;
        invoked.push(fn.functionArn);
        continue;
      }
      const value = infrastructure[placeholder];
      if (!value)
        throw new Error(
          `state-machines/${name}.asl.json names \${${placeholder}}, which the CDK app does not know.`,
        );
      substitutions[placeholder] = value();
    }

    const machine = new sfn.StateMachine(this, title(name), {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(definition),
      definitionSubstitutions: substitutions,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
      comment: `Lifeboat ${name} workflow (state-machines/${name}.asl.json)`,
    });
    if (invoked.length > 0)
      machine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: invoked }),
      );
    if (tasks.length > 0) this.allowFargateTasks(machine, workers, tasks);
    return machine;
  }

  /** ecs:runTask.sync: run the task definitions, pass their roles, watch the task through EventBridge. */
  private allowFargateTasks(
    machine: sfn.StateMachine,
    workers: Workers,
    tasks: { taskDefinitionArn: string; roles: iam.IRole[] }[],
  ): void {
    const stack = Stack.of(this);
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: tasks.map((t) => t.taskDefinitionArn),
        conditions: { ArnEquals: { 'ecs:cluster': workers.cluster.clusterArn } },
      }),
    );
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:StopTask', 'ecs:DescribeTasks'],
        resources: [
          stack.formatArn({
            service: 'ecs',
            resource: 'task',
            resourceName: `${workers.cluster.clusterName}/*`,
          }),
        ],
      }),
    );
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: tasks.flatMap((t) => t.roles.map((r) => r.roleArn)),
      }),
    );
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [
          stack.formatArn({
            service: 'events',
            resource: 'rule',
            resourceName: 'StepFunctionsGetEventsForECSTaskRule',
          }),
        ],
      }),
    );
  }
}

function roles(task: { taskDefinitionArn: string; taskRole: iam.IRole; executionRole?: iam.IRole }) {
  return {
    taskDefinitionArn: task.taskDefinitionArn,
    roles: [task.taskRole, ...(task.executionRole ? [task.executionRole] : [])],
  };
}

function title(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
