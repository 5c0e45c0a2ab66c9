/**
 * Schedules, events, alarms, dashboard and API as synthesized, with schedules declared in the
 * CDK context; the cron translation for EventBridge Scheduler; and cdk-nag's verdict.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ALERT_EVENTS } from '../../lib/events';
import { schedulerCron } from '../../functions/core/services/schedules/scheduler-cron';
import { readContext } from '../../lib/context';
import { scheduledTimes } from '../../functions/core/services/schedules/cron';
import { resources, roleStatements, asList, synth, type Synthesized } from '../helpers/cdk';

jest.setTimeout(120_000);

const TARGETS = [
  {
    name: 'db-main',
    target_config: {
      kind: 'postgres',
      connection: {
        host: 'db.internal',
        port: 5432,
        user: 'backup',
        password: { source: 'secret', arn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf' },
      },
      database: 'app',
    },
  },
];
const SCHEDULES = [
  {
    name: 'nightly',
    target: 'db-main',
    cron: '30 2 * * *',
    timezone: 'Europe/Berlin',
    verify: true,
    rpo_hours: 26,
  },
  { name: 'weekly', target: 'db-main', cron: '0 4 * * 0', backup_type: 'full', retention: 'keep-weekly=8' },
];

let s: Synthesized;
beforeAll(() => {
  s = synth({ 'lifeboat:targets': JSON.stringify(TARGETS), 'lifeboat:schedules': JSON.stringify(SCHEDULES) });
});
const idOf = (c: IConstruct) => s.stack.getLogicalId(c.node.defaultChild as CfnElement);

describe('schedulerCron', () => {
  test.each([
    ['30 2 * * *', 'cron(30 2 * * ? *)'],
    ['0 4 * * 0', 'cron(0 4 ? * 1 *)'],
    ['0 4 * * 7', 'cron(0 4 ? * 1 *)'],
    ['0 */6 * * 1-5', 'cron(0 */6 ? * 2-6 *)'],
    ['15 1 1,15 * *', 'cron(15 1 1,15 * ? *)'],
    ['0 0 * * 0,6', 'cron(0 0 ? * 1,7 *)'],
  ])('%s → %s', (cron, expected) => expect(schedulerCron(cron)).toBe(expected));

  test('days of week name the same days as the catalog’s cron (Sunday = 0 there, 1 here)', () => {
    // 2026-11-29 is a Sunday: the catalog's "0 4 * * 0" fires then; Scheduler's day 1 is Sunday.
    const [next] = scheduledTimes('0 4 * * 0', 'UTC', new Date('2026-11-27T00:00:00Z'), { count: 1 });
    expect(next!.toISOString()).toBe('2026-11-29T04:00:00.000Z');
    expect(schedulerCron('0 4 * * 0')).toContain('? * 1 *');
  });

  test('refuses what Scheduler cannot express, with the reason', () => {
    expect(() => schedulerCron('0 4 1 * 1')).toThrow(/both the day of month and the day of week/);
    expect(() => schedulerCron('0 4 * *')).toThrow(/not a 5-field cron/);
    expect(() => schedulerCron('0 4 * * 8')).toThrow(/day of week 8/);
  });
});

describe('schedules', () => {
  test('a schedule group, and each declared schedule invoking the starter with a DLQ, retries and its time zone', () => {
    s.template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'nightly',
      ScheduleExpression: 'cron(30 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [idOf(s.stack.scheduling.starter), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [idOf(s.stack.scheduling.role), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(s.stack.scheduling.deadLetterQueue), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 7200 },
      },
    });
    const weekly = Object.values(resources(s.template, 'AWS::Scheduler::Schedule')).find(
      (r) => r.Properties.Name === 'weekly',
    )!;
    const input = JSON.parse((weekly.Properties.Target as { Input: string }).Input) as Record<
      string,
      unknown
    >;
    expect(input).toEqual({
      schedule: 'weekly',
      scheduled_time: '<aws.scheduler.scheduled-time>',
      declared: {
        schedule: {
          name: 'weekly',
          target: 'db-main',
          cron: '0 4 * * 0',
          timezone: 'UTC',
          backup_type: 'full',
          retention: 'keep-weekly=8',
          verify: false,
        },
        target: TARGETS[0],
      },
    });
  });

  test('the scheduler role may invoke only the starter and send only to the DLQ; the starter may start only the backup workflow', () => {
    const actions = [
      ...new Set(
        roleStatements(s.template, idOf(s.stack.scheduling.role)).flatMap((st) => asList(st.Action)),
      ),
    ];
    expect(actions.sort()).toEqual(
      ['lambda:InvokeFunction', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].sort(),
    );
    const start = roleStatements(s.template, idOf(s.stack.scheduling.starter.role!)).filter((st) =>
      asList(st.Action).includes('states:StartExecution'),
    );
    expect(start.flatMap((st) => asList(st.Resource))).toEqual([
      { Ref: idOf(s.stack.workflows.stateMachines.backup) },
    ]);
  });
});

test('the API may manage schedules in the group only, passing only the scheduler role', () => {
  const handlerRole = Object.entries(resources(s.template, 'AWS::Lambda::Function')).find(([id]) =>
    id.startsWith('WorkersApiHandler'),
  )![1].Properties.Role as { 'Fn::GetAtt': string[] };
  const statements = roleStatements(s.template, handlerRole['Fn::GetAtt'][0]!);
  const manage = statements.find((st) => asList(st.Action).includes('scheduler:CreateSchedule'))!;
  expect(JSON.stringify(manage.Resource)).toContain(':schedule/');
  expect(JSON.stringify(manage.Resource)).toContain(':schedule/Lifeboat-schedules/*');
  const pass = statements.find((st) => asList(st.Action).includes('iam:PassRole'))!;
  expect(pass.Resource).toEqual({ 'Fn::GetAtt': [idOf(s.stack.scheduling.role), 'Arn'] });
});

describe('events', () => {
  const rules = () => Object.values(resources(s.template, 'AWS::Events::Rule')).map((r) => r.Properties);

  test('a completed backup asking for verification starts the verify workflow with a checksum verification', () => {
    const rule = rules().find((r) => JSON.stringify(r.EventPattern).includes('verification_enabled'))!;
    expect(rule.EventPattern).toEqual({
      source: ['lifeboat'],
      'detail-type': ['Backup Completed'],
      detail: { verification_enabled: [true] },
    });
    const [target] = rule.Targets as {
      Arn: unknown;
      InputTransformer: { InputTemplate: string; InputPathsMap: Record<string, string> };
    }[];
    expect(target!.Arn).toEqual({ Ref: idOf(s.stack.workflows.stateMachines.verify) });
    expect(target!.InputTransformer.InputPathsMap).toEqual({ 'detail-backup_id': '$.detail.backup_id' });
    expect(JSON.parse(target!.InputTransformer.InputTemplate.replace('<detail-backup_id>', '"B"'))).toEqual({
      backup: 'B',
      verification_type: 'checksum',
    });
  });

  test('a completed scheduled backup starts the retention workflow for its schedule', () => {
    const rule = rules().find((r) => JSON.stringify(r.EventPattern).includes('retention_enabled'))!;
    expect(rule.EventPattern).toEqual({
      source: ['lifeboat'],
      'detail-type': ['Backup Completed'],
      detail: { retention_enabled: [true] },
    });
    const [target] = rule.Targets as { Arn: unknown; DeadLetterConfig: unknown }[];
    expect(target!.Arn).toEqual({ Ref: idOf(s.stack.workflows.stateMachines.retention) });
    expect(target!.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [idOf(s.stack.scheduling.deadLetterQueue), 'Arn'] },
    });
  });

  test('failures go to the alerts topic, which is KMS-encrypted and TLS-only, with the e-mail subscriptions', () => {
    const rule = rules().find((r) => JSON.stringify(r.Targets).includes(idOf(s.stack.alerts.topic)))!;
    expect(rule.EventPattern).toEqual({ source: ['lifeboat'], 'detail-type': [...ALERT_EVENTS] });
    s.template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [idOf(s.stack.alerts.key), 'Arn'] },
    });
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const mailed = synth({ 'lifeboat:alertEmails': 'ops@example.com,oncall@example.com' });
    mailed.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 2);
  });
});

describe('monitoring', () => {
  const alarms = () =>
    Object.values(resources(s.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);

  test('every workflow has a failed-or-timed-out alarm that notifies the alerts topic', () => {
    const failing = alarms().filter((a) => JSON.stringify(a.Metrics ?? '').includes('ExecutionsFailed'));
    expect(failing).toHaveLength(4);
    for (const a of failing) expect(a.AlarmActions).toEqual([{ Ref: idOf(s.stack.alerts.topic) }]);
  });

  test('verification failures and DLQ messages alarm', () => {
    const verification = alarms().find((a) =>
      JSON.stringify(a.Metrics ?? '').includes('VerificationFailed'),
    )!;
    expect(verification).toMatchObject({ Threshold: 1, AlarmActions: [{ Ref: idOf(s.stack.alerts.topic) }] });
    expect((verification.Metrics as { MetricStat: { Metric: unknown } }[])[0]!.MetricStat.Metric).toEqual({
      Namespace: 'Lifeboat',
      MetricName: 'VerificationFailed',
      Dimensions: [
        { Name: 'service', Value: 'lifeboat' },
        { Name: 'step', Value: 'RunVerification' },
      ],
    });
    expect(alarms()).toContainEqual(
      expect.objectContaining({ MetricName: 'ApproximateNumberOfMessagesVisible' }),
    );
  });

  test('a schedule with rpo_hours gets an RPO alarm on the metric Commit emits for it; one without gets none', () => {
    const rpo = alarms().filter((a) => a.MetricName === 'ScheduledBackupCompleted');
    expect(rpo).toHaveLength(1);
    expect(rpo[0]).toMatchObject({
      Namespace: 'Lifeboat',
      Dimensions: expect.arrayContaining([
        { Name: 'schedule', Value: 'nightly' },
        { Name: 'step', Value: 'CommitBackup' },
        { Name: 'service', Value: 'lifeboat' },
      ]),
      Period: 3600,
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  test('a dashboard shows backups, bytes, dedup ratio, durations and failures', () => {
    const [dashboard] = Object.values(resources(s.template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const metric of [
      'BackupCompleted',
      'BackupBytesStored',
      'DedupRatio',
      'StepDuration',
      'ExecutionsFailed',
    ])
      expect(body).toContain(metric);
  });
});

describe('API', () => {
  test('every method is IAM-authorized and every path reaches the API function', () => {
    const all = Object.values(resources(s.template, 'AWS::ApiGateway::Method')).map((m) => m.Properties);
    // The admin UI's CORS preflights are the only others: unauthenticated by design, answered by
    // API Gateway itself (a mock integration), never reaching the function (test/cdk/admin-ui.test.ts).
    const preflights = all.filter((m) => m.HttpMethod === 'OPTIONS');
    expect(preflights.map((m) => (m.Integration as { Type: string }).Type)).toEqual(['MOCK', 'MOCK']);
    const methods = all.filter((m) => m.HttpMethod !== 'OPTIONS');
    for (const m of methods) expect(m.AuthorizationType).toBe('AWS_IAM');
    s.template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    expect(methods.map((m) => m.HttpMethod)).toEqual(['ANY', 'ANY']);
    const starts = roleStatements(s.template, idOf(s.stack.apiHandler.role!))
      .filter((st) => asList(st.Action).includes('states:StartExecution'))
      .flatMap((st) => asList(st.Resource));
    expect(starts).toEqual(
      (['backup', 'restore', 'verify'] as const).map((m) => ({
        Ref: idOf(s.stack.workflows.stateMachines[m]),
      })),
    );
    s.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ LoggingLevel: 'INFO' })],
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('no unacknowledged finding, with schedules and targets declared', () => {
    expect(s.findings).toEqual([]);
  });

  test('no unacknowledged finding with the defaults, and none when region and account are unknown at synth', () => {
    expect(synth().findings).toEqual([]);
    const saved = { ...process.env };
    try {
      // `cdk synth` without credentials: an environment-agnostic stack.
      expect(synth({}, { region: '', account: '' }).findings).toEqual([]);
    } finally {
      process.env = saved;
    }
  });
});

describe('context', () => {
  test('a mistake in the context stops the synth naming the field', () => {
    expect(() => readContext((k) => (k === 'lifeboat:schedules' ? '[{"name":"x"}]' : undefined))).toThrow(
      /lifeboat:schedules\.0\.target/,
    );
    expect(() =>
      readContext((k) => (k === 'lifeboat:objectLock' ? '{"mode":"FOREVER","days":1}' : undefined)),
    ).toThrow(/lifeboat:objectLock\.mode/);
  });

  test('a schedule Scheduler cannot express fails the synth', () => {
    expect(() =>
      synth({
        'lifeboat:schedules': JSON.stringify([{ name: 'bad', target: 'db-main', cron: '0 4 1 * 1' }]),
      }),
    ).toThrow(/both the day of month and the day of week/);
  });
});
