/**
 * Workers and workflows as synthesized: one Lambda function per step named in the ASL files
 * (nodejs22.x, arm64, JSON logs at INFO, X-Ray, timeout = the Task's), the Fargate task
 * definitions, the state machines deployed byte for byte from state-machines/ with every
 * placeholder substituted, and IAM statements scoped to the resources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import {
  INFRASTRUCTURE_PLACEHOLDERS,
  STEP_PLACEHOLDERS,
} from '../../functions/core/services/workflows/steps';
import { loadDefinition, placeholdersOf, substitute, MACHINES } from '../../functions/local/state-machines';
import { assertDeployable, stepTimeouts } from '../../lib/workflows';
import { asList, resources, roleStatements, synth, type Synthesized } from '../helpers/cdk';

jest.setTimeout(120_000);

let s: Synthesized;
beforeAll(() => {
  s = synth();
});

const idOf = (c: IConstruct) => s.stack.getLogicalId(c.node.defaultChild as CfnElement);

function machineResource(name: string) {
  const machine = s.stack.workflows.stateMachines[name as 'backup'];
  return resources(s.template, 'AWS::StepFunctions::StateMachine')[idOf(machine)]!.Properties;
}

describe('workflows', () => {
  test.each(MACHINES)(
    '%s is deployed as the very text of its ASL file, every placeholder substituted',
    (name) => {
      const props = machineResource(name);
      const file = fs.readFileSync(
        path.join(__dirname, '..', '..', 'state-machines', `${name}.asl.json`),
        'utf8',
      );
      // CloudFormation gets the file's bytes; Step Functions substitutes the values at deploy.
      expect(props.DefinitionString).toBe(file);
      const substitutions = props.DefinitionSubstitutions as Record<string, unknown>;
      expect(Object.keys(substitutions).sort()).toEqual([...placeholdersOf(file)].sort());
      // After substitution (values stand in as their CloudFormation expressions), the deployed
      // definition and the one the local engine runs are the same text.
      const value = (p: string) => `<${JSON.stringify(substitutions[p])}>`.replace(/"/g, "'");
      expect(substitute(props.DefinitionString as string, value)).toBe(
        substitute(loadDefinition(name).text, value),
      );
    },
  );

  test('the app knows every placeholder the engine knows, and nothing is left unsubstituted', () => {
    const used = new Set(
      MACHINES.flatMap((m) => Object.keys(machineResource(m).DefinitionSubstitutions as object)),
    );
    for (const p of used) expect([...STEP_PLACEHOLDERS, ...INFRASTRUCTURE_PLACEHOLDERS]).toContain(p);
    for (const p of INFRASTRUCTURE_PLACEHOLDERS) expect(used).toContain(p);
  });

  test('a Distributed Map, which the app cannot yet give rights for, stops the synth with the reason', () => {
    const map = (processor: Record<string, unknown>) =>
      JSON.stringify({
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } }, ...processor },
            End: true,
          },
        },
      });
    expect(() => assertDeployable('backup', map({ ProcessorConfig: { Mode: 'DISTRIBUTED' } }))).toThrow(
      /Distributed Map \(M\)/,
    );
    expect(() => assertDeployable('backup', map({}))).not.toThrow();
  });

  test('Standard type, every event logged, X-Ray tracing', () => {
    for (const name of MACHINES)
      expect(machineResource(name)).toMatchObject({
        StateMachineType: 'STANDARD',
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
        TracingConfiguration: { Enabled: true },
      });
  });

  test('each state machine may invoke exactly the functions its definition names', () => {
    for (const name of MACHINES) {
      const machine = s.stack.workflows.stateMachines[name];
      const statements = roleStatements(s.template, idOf(machine.role));
      const invoke = statements.filter((st) => asList(st.Action).includes('lambda:InvokeFunction'));
      const invoked = invoke
        .flatMap((st) => asList(st.Resource))
        .map((r) => (r as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
      const named = Object.entries(machineResource(name).DefinitionSubstitutions as Record<string, unknown>)
        .filter(([placeholder]) => placeholder.endsWith('FunctionArn'))
        .map(([, v]) => (v as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
      expect(invoked.sort()).toEqual(named.sort());
      expect(invoked.length).toBeGreaterThan(0);
    }
  });

  test('backup runs only the backup task definition and restore only the restore one, passing only their roles', () => {
    const runTask = (name: 'backup' | 'restore') =>
      roleStatements(s.template, idOf(s.stack.workflows.stateMachines[name].role)).filter((st) =>
        asList(st.Action).includes('ecs:RunTask'),
      );
    expect(runTask('backup').flatMap((st) => asList(st.Resource))).toEqual([
      { Ref: idOf(s.stack.workers.backupTask) },
    ]);
    expect(runTask('restore').flatMap((st) => asList(st.Resource))).toEqual([
      { Ref: idOf(s.stack.workers.restoreTask) },
    ]);
    const verify = roleStatements(s.template, idOf(s.stack.workflows.stateMachines.verify.role));
    expect(verify.flatMap((st) => asList(st.Action))).not.toContain('ecs:RunTask');
    const passed = roleStatements(s.template, idOf(s.stack.workflows.stateMachines.backup.role))
      .filter((st) => asList(st.Action).includes('iam:PassRole'))
      .flatMap((st) => asList(st.Resource))
      .map((r) => (r as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
    expect(passed.sort()).toEqual(
      [idOf(s.stack.workers.backupTask.taskRole), idOf(s.stack.workers.backupTask.executionRole!)].sort(),
    );
  });
});

describe('workers', () => {
  const fn = (step: string) =>
    resources(s.template, 'AWS::Lambda::Function')[idOf(s.stack.workers.functions.get(step)!)]!.Properties;

  test('one function per step the workflows name, each on nodejs22.x arm64 with JSON logs at INFO and X-Ray', () => {
    const steps = new Set(
      MACHINES.flatMap((m) => [...placeholdersOf(loadDefinition(m).text)])
        .filter((p) => p.endsWith('FunctionArn'))
        .map((p) => p.replace(/FunctionArn$/, '')),
    );
    expect([...s.stack.workers.functions.keys()].sort()).toEqual([...steps].sort());
    for (const step of steps)
      expect(fn(step)).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO' },
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
      });
  });

  test('the restore test has 10 GiB of /tmp to restore into; the other functions keep the default', () => {
    for (const step of s.stack.workers.functions.keys())
      expect({ step, storage: fn(step).EphemeralStorage }).toEqual({
        step,
        storage: step === 'RunVerification' ? { Size: 10240 } : undefined,
      });
  });

  test("each function's timeout is its Task's TimeoutSeconds", () => {
    for (const machine of MACHINES)
      for (const [placeholder, seconds] of stepTimeouts(loadDefinition(machine).text))
        expect(fn(placeholder.replace(/FunctionArn$/, '')).Timeout).toBe(seconds);
  });

  test('functions know their table, repository and bus by name, and hold no secret', () => {
    const env = (fn('RunBackup').Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(env).sort()).toEqual(
      [
        'LIFEBOAT_CATALOG_TABLE',
        'LIFEBOAT_EVENT_BUS',
        'LIFEBOAT_FARGATE_THRESHOLD_BYTES',
        'LIFEBOAT_FILES_MOUNT',
        'LIFEBOAT_REPOSITORY',
        'MALLOC_ARENA_MAX',
        'MALLOC_MMAP_THRESHOLD_',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
      ].sort(),
    );
    expect(JSON.stringify(env.LIFEBOAT_REPOSITORY)).toContain('s3://');
  });

  test('functions and tasks start with glibc capped at two malloc arenas and a fixed mmap threshold, as the CLI sets itself', () => {
    expect(fn('RunBackup').Environment).toMatchObject({
      Variables: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '262144' },
    });
    for (const task of [s.stack.workers.backupTask, s.stack.workers.restoreTask]) {
      const props = resources(s.template, 'AWS::ECS::TaskDefinition')[idOf(task)]!.Properties;
      const [container] = props.ContainerDefinitions as { Environment: { Name: string; Value: string }[] }[];
      expect(container!.Environment).toContainEqual({ Name: 'MALLOC_ARENA_MAX', Value: '2' });
      expect(container!.Environment).toContainEqual({ Name: 'MALLOC_MMAP_THRESHOLD_', Value: '262144' });
    }
  });

  test('the Fargate tasks run the worker container on ARM64, logging to CloudWatch', () => {
    for (const task of [s.stack.workers.backupTask, s.stack.workers.restoreTask]) {
      const props = resources(s.template, 'AWS::ECS::TaskDefinition')[idOf(task)]!.Properties;
      expect(props).toMatchObject({
        RequiresCompatibilities: ['FARGATE'],
        RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      });
      const [container] = props.ContainerDefinitions as {
        Name: string;
        LogConfiguration: { LogDriver: string };
      }[];
      expect(container!.Name).toBe('worker');
      expect(container!.LogConfiguration.LogDriver).toBe('awslogs');
    }
    s.template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  test('without a VPC of yours, tasks run in public subnets of a new VPC without NAT, with a public IP', () => {
    s.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    expect(s.stack.workers.assignPublicIp).toBe('ENABLED');
    const subs = machineResource('backup').DefinitionSubstitutions as Record<string, unknown>;
    expect(subs.WorkerAssignPublicIp).toBe('ENABLED');
    s.template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  test('in your VPC (lifeboat:vpcId): functions and tasks in the subnets given, in their own and your security groups, no public IP', () => {
    const inVpc = synth({
      'lifeboat:vpcId': 'vpc-0123456789abcdef0',
      'lifeboat:subnetIds': 'subnet-0aaa,subnet-0bbb',
      'lifeboat:securityGroupIds': 'sg-0db',
    });
    const id = (c: IConstruct) => inVpc.stack.getLogicalId(c.node.defaultChild as CfnElement);
    inVpc.template.resourceCountIs('AWS::EC2::VPC', 0);
    const own = { 'Fn::GetAtt': [id(inVpc.stack.workers.securityGroup), 'GroupId'] };
    for (const fn of inVpc.stack.workers.functions.values())
      expect(resources(inVpc.template, 'AWS::Lambda::Function')[id(fn)]!.Properties.VpcConfig).toEqual({
        SubnetIds: ['subnet-0aaa', 'subnet-0bbb'],
        SecurityGroupIds: [own, 'sg-0db'],
      });
    const backup = resources(inVpc.template, 'AWS::StepFunctions::StateMachine')[
      id(inVpc.stack.workflows.stateMachines.backup)
    ]!;
    const subs = backup.Properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(subs.WorkerAssignPublicIp).toBe('DISABLED');
    expect(subs.WorkerSubnetIds).toBe('subnet-0aaa,subnet-0bbb');
    expect(JSON.stringify(subs.WorkerSecurityGroupIds)).toContain('sg-0db');
    expect(inVpc.findings).toEqual([]);
  });

  test('database secrets named in the context are readable by the steps that dump or restore, not by the others', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-main-AbCdEf';
    const withSecret = synth({ 'lifeboat:databaseSecretArns': arn });
    const id = (c: IConstruct) => withSecret.stack.getLogicalId(c.node.defaultChild as CfnElement);
    const reads = (role: string) =>
      roleStatements(withSecret.template, role)
        .filter((st) => asList(st.Action).includes('secretsmanager:GetSecretValue'))
        .flatMap((st) => asList(st.Resource));
    expect(reads(id(withSecret.stack.workers.functions.get('RunBackup')!.role!))).toEqual([arn]);
    expect(reads(id(withSecret.stack.workers.functions.get('RunRestore')!.role!))).toEqual([arn]);
    expect(reads(id(withSecret.stack.workers.backupTask.taskRole))).toEqual([arn]);
    expect(reads(id(withSecret.stack.workers.functions.get('CollectGarbage')!.role!))).toEqual([]);
    expect(withSecret.findings).toEqual([]);
  });
});

describe('IAM', () => {
  /** Actions AWS accepts on no resource; anything else on "*" is a defect. */
  const RESOURCELESS = [
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
    'ecr:GetAuthorizationToken',
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ];

  // CDK's BucketDeployment (the admin UI's upload at deploy) brings its own role and grants,
  // acknowledged in lib/findings.ts; every other role is Lifeboat's own.
  const lifeboatPolicies = () =>
    Object.entries(resources(s.template, 'AWS::IAM::Policy'))
      .filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'))
      .map(([, policy]) => policy);

  test('no role is granted anything on "*" but the actions that take no resource', () => {
    for (const policy of lifeboatPolicies()) {
      const statements = (
        policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
      ).Statement;
      for (const st of statements)
        if (asList(st.Resource).includes('*'))
          for (const action of asList(st.Action)) expect(RESOURCELESS).toContain(action);
    }
  });

  test('no identity policy grants a wildcard action', () => {
    for (const policy of lifeboatPolicies())
      for (const st of (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] })
        .Statement)
        for (const action of asList(st.Action)) expect(action).not.toMatch(/\*/);
  });
});
