/**
 * The vault (bucket and key) and the catalog table as synthesized: encryption, rotation, Block
 * Public Access, TLS-only, versioning, access logs, lifecycle, Object Lock, PITR, retention on
 * delete, and the key policy that separates backup-write from restore-read.
 */
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { asList, resources, roleStatements, synth, type Statement, type Synthesized } from '../helpers/cdk';

jest.setTimeout(120_000);

let s: Synthesized;
beforeAll(() => {
  s = synth();
});

const idOf = (c: IConstruct) => s.stack.getLogicalId(c.node.defaultChild as CfnElement);
const roleOf = (step: string) => idOf(s.stack.workers.functions.get(step)!.role!);

function vaultKeyPolicy(): Statement[] {
  const key = resources(s.template, 'AWS::KMS::Key')[idOf(s.stack.vault.key)]!;
  return (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
}

/** The role logical ids a key-policy statement names. */
function principalRoles(statement: Statement): string[] {
  const aws = asList((statement.Principal as { AWS?: unknown }).AWS);
  return aws.flatMap((p) => {
    const att = (p as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    return att ? [att[0]] : [];
  });
}

function statementsAllowing(action: string): Statement[] {
  return vaultKeyPolicy().filter((st) => asList(st.Action).includes(action));
}

describe('vault key', () => {
  test('rotates yearly and is kept when the stack is deleted', () => {
    s.template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('Lifeboat vault') },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the account administers the key but cannot use it', () => {
    const root = vaultKeyPolicy().find((st) => st.Sid === 'AccountAdministersTheKeyButCannotUseIt')!;
    expect(root).toBeDefined();
    for (const use of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt*', 'kms:*'])
      expect(asList(root.Action)).not.toContain(use);
  });

  test('backup workers may Decrypt only under the writer encryption context', () => {
    const writerOnly = statementsAllowing('kms:Decrypt').filter(
      (st) => st.Condition?.StringEquals?.['kms:EncryptionContext:role'] === 'writer',
    );
    const writers = new Set(writerOnly.flatMap(principalRoles));
    for (const step of ['PrepareBackup', 'RunBackup', 'CommitBackup'])
      expect(writers).toContain(roleOf(step));
    expect(writers).toContain(idOf(s.stack.workers.backupTask.taskRole));
    // No statement gives them Decrypt without the condition, nor GenerateDataKey.
    const unconditioned = statementsAllowing('kms:Decrypt')
      .filter((st) => !st.Condition)
      .flatMap(principalRoles);
    const generators = statementsAllowing('kms:GenerateDataKey').flatMap(principalRoles);
    for (const role of writers) {
      expect(unconditioned).not.toContain(role);
      expect(generators).not.toContain(role);
    }
  });

  test('restore, verification, replication and retention open the repository; only the initializer makes slots', () => {
    const readers = new Set(
      statementsAllowing('kms:Decrypt')
        .filter((st) => !st.Condition)
        .flatMap(principalRoles),
    );
    for (const step of ['RunRestore', 'PlanRestore', 'RunVerification', 'ReplicateBackup', 'CollectGarbage'])
      expect(readers).toContain(roleOf(step));
    expect(readers).toContain(idOf(s.stack.workers.restoreTask.taskRole));
    const generators = statementsAllowing('kms:GenerateDataKey').flatMap(principalRoles);
    expect(generators).toEqual([idOf(s.stack.repositoryInitializer.role!)]);
    // Failure recorders touch neither.
    expect(readers).not.toContain(roleOf('RecordBackupFailure'));
  });
});

describe('vault bucket', () => {
  const bucket = () => resources(s.template, 'AWS::S3::Bucket')[idOf(s.stack.vault.bucket)]!.Properties;

  test('blocks public access, is versioned, logs access, and is retained', () => {
    expect(bucket()).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: idOf(s.stack.vault.accessLogsBucket) } },
    });
    expect(bucket().ObjectLockEnabled).toBeUndefined();
    s.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: { VersioningConfiguration: Match.anyValue() },
    });
  });

  test('refuses requests without TLS', () => {
    const policies = Object.values(resources(s.template, 'AWS::S3::BucketPolicy')).filter(
      (p) => (p.Properties.Bucket as { Ref: string }).Ref === idOf(s.stack.vault.bucket),
    );
    const statements = policies.flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  test('aborts abandoned multipart uploads, expires deleted versions, and moves only data packs to colder classes', () => {
    const rules = (bucket().LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        Status: 'Enabled',
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: 'repository/data/',
        Transitions: [
          { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
          { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
        ],
      }),
    );
  });

  test('backup workers cannot delete; retention can', () => {
    const s3Actions = (role: string) =>
      roleStatements(s.template, role)
        .flatMap((st) => asList(st.Action))
        .filter((a) => a.startsWith('s3:'));
    expect(s3Actions(roleOf('RunBackup'))).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:ListBucket']),
    );
    expect(s3Actions(roleOf('RunBackup'))).not.toContain('s3:DeleteObject');
    expect(s3Actions(idOf(s.stack.workers.backupTask.taskRole))).not.toContain('s3:DeleteObject');
    expect(s3Actions(roleOf('RunRestore'))).not.toContain('s3:PutObject');
    expect(s3Actions(roleOf('CollectGarbage'))).toContain('s3:DeleteObject');
  });
});

describe('Object Lock (context lifeboat:objectLock)', () => {
  test('creates the bucket with Object Lock and the default retention', () => {
    const locked = synth({ 'lifeboat:objectLock': '{"mode":"COMPLIANCE","days":35}' });
    locked.template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 35 } },
      },
    });
    expect(locked.findings).toEqual([]);
  });
});

describe('catalog table', () => {
  test('has the key design of the DynamoDB record store: pk/sk and gsi1..gsi6 projecting everything', () => {
    const table = Object.values(resources(s.template, 'AWS::DynamoDB::Table'))[0]!.Properties;
    expect(table.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const indexes = table.GlobalSecondaryIndexes as {
      IndexName: string;
      KeySchema: unknown;
      Projection: unknown;
    }[];
    expect(indexes.map((i) => i.IndexName)).toEqual(['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5', 'gsi6']);
    for (const index of indexes) {
      expect(index.KeySchema).toEqual([
        { AttributeName: `${index.IndexName}pk`, KeyType: 'HASH' },
        { AttributeName: `${index.IndexName}sk`, KeyType: 'RANGE' },
      ]);
      expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
    }
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
  });

  test('is encrypted with a customer-managed key (not the vault key), has PITR and deletion protection, and is retained', () => {
    s.template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [idOf(s.stack.alerts.key), 'Arn'] },
        },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
      DeletionPolicy: 'Retain',
    });
  });
});
