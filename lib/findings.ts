import { Token, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { LifeboatStack } from './lifeboat-stack';

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });
}

/**
 * The cdk-nag AwsSolutions findings Lifeboat accepts, each where it arises and with its reason.
 * Anything else fails the synth (and test/cdk/nag.test.ts).
 */
export function acknowledgeFindings(stack: LifeboatStack): void {
  const { vault, workers, workflows, scheduling, api } = stack;
  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  // cdk-nag names an unresolved region or account the way CloudFormation's pseudo parameters read.
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  acknowledge(
    stack,
    `IAM5[Resource::<${logicalId(vault.bucket)}.Arn>/${vault.prefix}/*]`,
    'The repository is every object under its prefix (packs, index, snapshots, keys are named by content hash or ULID, unknown in advance); each role gets only the actions of its duty on it.',
  );
  acknowledge(
    stack,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    "AWS's minimal Lambda logging policy (CreateLogStream/PutLogEvents); each function logs to its own log group.",
  );
  acknowledge(
    stack,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    'Only with a worker VPC: the ENI permissions Lambda needs to run inside it.',
  );
  acknowledge(
    stack,
    'L1',
    'Lifeboat targets Node.js 22 (nodejs22.x, the runtime its tests and benchmarks run on); a newer runtime is adopted after it passes them.',
  );
  acknowledge(
    workers,
    'IAM5[Resource::*]',
    'X-Ray (PutTraceSegments, PutTelemetryRecords), ECR GetAuthorizationToken and, in a VPC, Lambda ENI management accept no resource; test/cdk/lifeboat-stack.test.ts checks that no other action is granted on *.',
  );
  acknowledge(
    workers,
    'ECS2',
    'The environment holds names only (table, repository URL, bus, threshold); secrets are read from Secrets Manager at run time by ARN.',
  );
  acknowledge(
    workflows,
    'IAM5[Resource::*]',
    'X-Ray and CloudWatch Logs delivery (vended logs) accept no resource; test/cdk/lifeboat-stack.test.ts checks that no other action is granted on *.',
  );
  acknowledge(
    workflows,
    `IAM5[Resource::arn:<AWS::Partition>:ecs:${region}:${account}:task/<${logicalId(workers.cluster)}>/*]`,
    'ecs:runTask.sync stops and describes the task it started, whose ARN exists only at run time; limited to the workers cluster.',
  );
  acknowledge(
    scheduling.deadLetterQueue,
    'SQS3',
    'This queue is the dead-letter queue of the schedules and event rules; an alarm fires on its first message.',
  );
  acknowledge(
    stack.repositoryProvider,
    `IAM5[Resource::<${logicalId(stack.repositoryInitializer)}.Arn>:*]`,
    "The custom resource framework invokes the repository initializer's versions; CDK's Provider grants that.",
  );
  acknowledge(
    stack.apiHandler,
    `IAM5[Resource::arn:<AWS::Partition>:scheduler:${region}:${account}:schedule/${scheduling.group.scheduleGroupName}/*]`,
    "The API creates, changes and deletes the schedules of Lifeboat's schedule group, named after backup schedules made at run time; no other group.",
  );
  acknowledge(
    scheduling.role,
    `IAM5[Resource::<${logicalId(scheduling.starter)}.Arn>:*]`,
    'EventBridge Scheduler invokes the schedule starter (CDK grants its versions too); the role can invoke nothing else.',
  );
  acknowledge(
    api,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    "API Gateway's account-level role for execution logs; AWS's managed policy is the documented one.",
  );
  acknowledge(
    api,
    'COG4',
    'The API is IAM-authorized (SigV4): operators and the CLI use their AWS credentials; the admin UI signs requests the same way (docs/OPERATIONS.md).',
  );
  acknowledge(
    api,
    'APIG3',
    'Every method requires SigV4-signed IAM authorization, so unauthenticated traffic is refused by API Gateway; add a WAFv2 web ACL to the stage if your policy requires one.',
  );
}
