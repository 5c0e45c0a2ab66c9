/**
 * The operator's files on AWS (context `lifeboat:fileSystem`): an EFS file system mounted through
 * an access point by the steps that touch files and by both Fargate tasks, at one path, with
 * rights scoped to the file system and the access point. These tests read the synthesized
 * template: no EFS can be mounted here, so the mount itself is AWS's to do.
 */
import type { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { STEP_PROFILES } from '../../lib/steps';
import { asList, resources, roleStatements, synth, type Statement, type Synthesized } from '../helpers/cdk';

jest.setTimeout(120_000);

const FILE_SYSTEM = {
  fileSystemId: 'fs-0123456789abcdef0',
  accessPointId: 'fsap-0123456789abcdef0',
  securityGroupId: 'sg-0123456789abcdef1',
};
const IN_VPC = {
  'lifeboat:vpcId': 'vpc-0123456789abcdef0',
  'lifeboat:subnetIds': 'subnet-0aaa,subnet-0bbb',
};

let s: Synthesized;
beforeAll(() => {
  s = synth({ ...IN_VPC, 'lifeboat:fileSystem': JSON.stringify(FILE_SYSTEM) });
});

const idOf = (c: IConstruct) => s.stack.getLogicalId(c.node.defaultChild as CfnElement);
const fnProps = (step: string) =>
  resources(s.template, 'AWS::Lambda::Function')[idOf(s.stack.workers.functions.get(step)!)]!.Properties;
const efsActions = (roleId: string) =>
  roleStatements(s.template, roleId)
    .flatMap((st) => asList(st.Action).filter((a) => a.startsWith('elasticfilesystem:')))
    .sort();
const efsStatements = (roleId: string): Statement[] =>
  roleStatements(s.template, roleId).filter((st) =>
    asList(st.Action).some((a) => a.startsWith('elasticfilesystem:')),
  );
const ACCESS_POINT_ARN = `arn:aws:elasticfilesystem:eu-west-1:111122223333:access-point/${FILE_SYSTEM.accessPointId}`;
const FILE_SYSTEM_ARN = `arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/${FILE_SYSTEM.fileSystemId}`;
/** The template's value for an ARN (a string, or a join of the partition and the rest). */
const arnText = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : (v as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
        .map((p) => (typeof p === 'string' ? p : 'aws'))
        .join('');

describe('an EFS file system (lifeboat:fileSystem)', () => {
  test('the steps that touch files mount it at /mnt/efs through the access point; no other function does', () => {
    const mounting = Object.entries(STEP_PROFILES)
      .filter(([, p]) => p.files !== 'none')
      .map(([step]) => step)
      .sort();
    expect(mounting).toEqual([
      'PrepareBackup',
      'RunBackup',
      'RunRestore',
      'ValidateRecovery',
      'ValidateRestore',
    ]);
    for (const step of s.stack.workers.functions.keys()) {
      const configs = fnProps(step).FileSystemConfigs as
        { Arn: unknown; LocalMountPath: string }[] | undefined;
      if (!mounting.includes(step)) {
        expect({ step, configs }).toEqual({ step, configs: undefined });
        continue;
      }
      expect(configs).toHaveLength(1);
      expect(configs![0]!.LocalMountPath).toBe('/mnt/efs');
      expect(arnText(configs![0]!.Arn)).toBe(ACCESS_POINT_ARN);
    }
    // The API and the schedule starter run outside the VPC and mount nothing.
    expect(
      resources(s.template, 'AWS::Lambda::Function')[idOf(s.stack.apiHandler)]!.Properties.FileSystemConfigs,
    ).toBeUndefined();
  });

  test('rights: the backup reads (no ClientWrite), the restore writes, on the file system and through the access point only', () => {
    const role = (step: string) => idOf(s.stack.workers.functions.get(step)!.role!);
    expect(efsActions(role('RunBackup'))).toEqual([
      'elasticfilesystem:ClientMount',
      'elasticfilesystem:ClientRootAccess',
    ]);
    expect(efsActions(role('ValidateRecovery'))).toEqual([
      'elasticfilesystem:ClientMount',
      'elasticfilesystem:ClientRootAccess',
    ]);
    expect(efsActions(role('RunRestore'))).toEqual([
      'elasticfilesystem:ClientMount',
      'elasticfilesystem:ClientRootAccess',
      'elasticfilesystem:ClientWrite',
    ]);
    for (const step of ['PlanRestore', 'CommitBackup', 'RunVerification', 'CollectGarbage'])
      expect({ step, actions: efsActions(role(step)) }).toEqual({ step, actions: [] });
    expect(efsActions(idOf(s.stack.workers.backupTask.taskRole))).toEqual(efsActions(role('RunBackup')));
    expect(efsActions(idOf(s.stack.workers.restoreTask.taskRole))).toEqual(efsActions(role('RunRestore')));
    for (const roleId of [role('RunBackup'), role('RunRestore'), idOf(s.stack.workers.restoreTask.taskRole)])
      for (const st of efsStatements(roleId)) {
        expect(asList(st.Resource).map(arnText)).toEqual([FILE_SYSTEM_ARN]);
        expect(arnText(st.Condition!.StringEquals!['elasticfilesystem:AccessPointArn'])).toBe(
          ACCESS_POINT_ARN,
        );
      }
  });

  test('both Fargate tasks mount it at the same path, with IAM and TLS; the backup task read-only', () => {
    const tasks = resources(s.template, 'AWS::ECS::TaskDefinition');
    for (const [task, readOnly] of [
      [s.stack.workers.backupTask, true],
      [s.stack.workers.restoreTask, false],
    ] as const) {
      const props = tasks[idOf(task)]!.Properties;
      expect(props.Volumes).toEqual([
        {
          Name: 'files',
          EFSVolumeConfiguration: {
            FilesystemId: FILE_SYSTEM.fileSystemId,
            TransitEncryption: 'ENABLED',
            AuthorizationConfig: { AccessPointId: FILE_SYSTEM.accessPointId, IAM: 'ENABLED' },
          },
        },
      ]);
      const [container] = props.ContainerDefinitions as { MountPoints: unknown[] }[];
      expect(container!.MountPoints).toEqual([
        { ContainerPath: '/mnt/efs', SourceVolume: 'files', ReadOnly: readOnly },
      ]);
    }
  });

  test("the file system's security group admits the workers' on the NFS port, and the workers know the mount", () => {
    const workersGroup = { 'Fn::GetAtt': [idOf(s.stack.workers.securityGroup), 'GroupId'] };
    const rules = Object.values(resources(s.template, 'AWS::EC2::SecurityGroupIngress')).map(
      (r) => r.Properties,
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        GroupId: FILE_SYSTEM.securityGroupId,
        SourceSecurityGroupId: workersGroup,
        IpProtocol: 'tcp',
        FromPort: 2049,
        ToPort: 2049,
      }),
    );
    const env = (fnProps('RunBackup').Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.LIFEBOAT_FILES_MOUNT).toBe('/mnt/efs');
    expect(s.findings).toEqual([]);
  });

  test('a mount path of its own is used everywhere', () => {
    const other = synth({
      ...IN_VPC,
      'lifeboat:fileSystem': JSON.stringify({ ...FILE_SYSTEM, mountPath: '/mnt/shares' }),
    });
    const id = (c: IConstruct) => other.stack.getLogicalId(c.node.defaultChild as CfnElement);
    const fn = resources(other.template, 'AWS::Lambda::Function')[
      id(other.stack.workers.functions.get('RunRestore')!)
    ]!.Properties;
    expect((fn.FileSystemConfigs as { LocalMountPath: string }[])[0]!.LocalMountPath).toBe('/mnt/shares');
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables.LIFEBOAT_FILES_MOUNT).toBe(
      '/mnt/shares',
    );
    const task = resources(other.template, 'AWS::ECS::TaskDefinition')[id(other.stack.workers.restoreTask)]!;
    expect(JSON.stringify(task.Properties.ContainerDefinitions)).toContain('"ContainerPath":"/mnt/shares"');
  });

  test('without a VPC, or with a mount path Lambda refuses, the synth stops and says why', () => {
    expect(() => synth({ 'lifeboat:fileSystem': JSON.stringify(FILE_SYSTEM) })).toThrow(
      /lifeboat:fileSystem needs lifeboat:vpcId/,
    );
    expect(() =>
      synth({ ...IN_VPC, 'lifeboat:fileSystem': JSON.stringify({ ...FILE_SYSTEM, mountPath: '/data' }) }),
    ).toThrow(/lifeboat:fileSystem\.mountPath: is \/mnt\/ and one name/);
    expect(() =>
      synth({ ...IN_VPC, 'lifeboat:fileSystem': JSON.stringify({ ...FILE_SYSTEM, fileSystemId: 'efs-1' }) }),
    ).toThrow(/lifeboat:fileSystem\.fileSystemId: is an EFS file system id/);
  });

  test('a declared filesystem target off the mount, or with nothing mounted, stops the synth', () => {
    const files = (paths: string[]) =>
      JSON.stringify([{ name: 'files', target_config: { kind: 'filesystem', paths } }]);
    const withMount = { ...IN_VPC, 'lifeboat:fileSystem': JSON.stringify(FILE_SYSTEM) };
    expect(() => synth({ ...withMount, 'lifeboat:targets': files(['/mnt/efs/data', '/srv/data']) })).toThrow(
      'lifeboat:targets "files" backs up /srv/data, which the workers cannot see: name a path under /mnt/efs.',
    );
    expect(() => synth({ ...withMount, 'lifeboat:targets': files(['/mnt/efs/../etc']) })).toThrow(
      /backs up \/mnt\/efs\/\.\.\/etc, which the workers cannot see/,
    );
    expect(() => synth({ ...IN_VPC, 'lifeboat:targets': files(['/mnt/efs/data']) })).toThrow(
      'backs up /mnt/efs/data, which the workers cannot see: on AWS they see only the file system of lifeboat:fileSystem, and none is given.',
    );
    expect(
      synth({ ...withMount, 'lifeboat:targets': files(['/mnt/efs/data', '/mnt/efs']) }).findings,
    ).toEqual([]);
  });

  test('without one, nothing is mounted and the workers know it', () => {
    const none = synth(IN_VPC);
    for (const fn of Object.values(resources(none.template, 'AWS::Lambda::Function')))
      expect(fn.Properties.FileSystemConfigs).toBeUndefined();
    for (const task of Object.values(resources(none.template, 'AWS::ECS::TaskDefinition')))
      expect(task.Properties.Volumes).toBeUndefined();
    const id = (c: IConstruct) => none.stack.getLogicalId(c.node.defaultChild as CfnElement);
    const fn = resources(none.template, 'AWS::Lambda::Function')[
      id(none.stack.workers.functions.get('RunBackup')!)
    ]!;
    expect(
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.LIFEBOAT_FILES_MOUNT,
    ).toBe('');
  });
});
