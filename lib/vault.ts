import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface VaultObjectLockProps {
  /** GOVERNANCE can be lifted by a principal with s3:BypassGovernanceRetention; COMPLIANCE by nobody. */
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  /** Default retention of every object written. */
  readonly days: number;
}

export interface VaultProps {
  /**
   * Write-once storage: the bucket is created with Object Lock and this default retention. The
   * bucket is versioned, so retention and GC still remove objects from the repository (a delete
   * marker) while every written version stays for this many days; storage is freed only after.
   * Cannot be added later.
   * @default - no Object Lock
   */
  readonly objectLock?: VaultObjectLockProps;
  /**
   * Days after which data packs move to S3 Standard-IA; 0 keeps them in Standard.
   * @default 30
   */
  readonly infrequentAccessAfterDays?: number;
  /**
   * Days after which data packs move to Glacier Instant Retrieval (millisecond reads, so restores
   * work unchanged); 0 keeps them where they are.
   * @default 90
   */
  readonly glacierInstantRetrievalAfterDays?: number;
  /**
   * Days a deleted or overwritten object version is kept (versioning is on): the window in which
   * a mistaken or malicious deletion can be undone. GC frees space only after it.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * The repository's prefix in the bucket.
   * @default 'repository'
   */
  readonly prefix?: string;
  /**
   * What happens to the bucket, the access-log bucket and the key when the stack is deleted.
   * @default RemovalPolicy.RETAIN: tearing down Lifeboat never takes the backups with it
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where backups live: an S3 bucket holding the repository (docs/FORMAT.md) and the KMS key that
 * wraps the repository's master key. Lifeboat encrypts every object itself, so the bucket uses
 * S3-managed encryption; the key is the root of trust and its policy separates the duties:
 * backup workers may only open their write-only slot (`kms:Decrypt` under the encryption context
 * `role: writer`), restore-side functions may open the repository, and only the repository
 * administrator (the deploy-time initializer) makes slots with `kms:GenerateDataKey`. The account
 * root keeps the key's administration, not its use.
 */
export class Vault extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  /** The repository's prefix in the bucket. */
  readonly prefix: string;
  /** `s3://bucket/prefix`: the LIFEBOAT_REPOSITORY of every worker. */
  readonly repositoryUrl: string;

  constructor(scope: Construct, id: string, props: VaultProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.prefix = props.prefix ?? 'repository';
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(this.prefix))
      throw new Error(`Vault prefix "${this.prefix}" must be a relative path without a trailing slash.`);
    if (props.objectLock && !(props.objectLock.days >= 1))
      throw new Error('Vault objectLock.days must be at least 1.');

    this.key = new kms.Key(this, 'Key', {
      description: 'Lifeboat vault: wraps the repository master key',
      enableKeyRotation: true,
      removalPolicy,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'AccountAdministersTheKeyButCannotUseIt',
            principals: [new iam.AccountRootPrincipal()],
            actions: [
              'kms:Create*',
              'kms:Describe*',
              'kms:Enable*',
              'kms:List*',
              'kms:Put*',
              'kms:Update*',
              'kms:Revoke*',
              'kms:Disable*',
              'kms:Get*',
              'kms:Delete*',
              'kms:TagResource',
              'kms:UntagResource',
              'kms:ScheduleKeyDeletion',
              'kms:CancelKeyDeletion',
              'kms:RotateKeyOnDemand',
            ],
            resources: ['*'],
          }),
        ],
      }),
    });

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(365) }],
      removalPolicy,
    });

    const toIa = props.infrequentAccessAfterDays ?? 30;
    const toGir = props.glacierInstantRetrievalAfterDays ?? 90;
    const transitions: s3.Transition[] = [];
    if (toIa > 0)
      transitions.push({
        storageClass: s3.StorageClass.INFREQUENT_ACCESS,
        transitionAfter: Duration.days(toIa),
      });
    if (toGir > 0)
      transitions.push({
        storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
        transitionAfter: Duration.days(toGir),
      });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'vault/',
      ...(props.objectLock
        ? {
            objectLockEnabled: true,
            objectLockDefaultRetention:
              props.objectLock.mode === 'COMPLIANCE'
                ? s3.ObjectLockRetention.compliance(Duration.days(props.objectLock.days))
                : s3.ObjectLockRetention.governance(Duration.days(props.objectLock.days)),
          }
        : {}),
      lifecycleRules: [
        {
          // A backup killed mid-upload leaves multipart uploads behind: invisible, but billed.
          id: 'AbortIncompleteUploads',
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        {
          id: 'ExpireDeletedVersions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
          expiredObjectDeleteMarker: true,
        },
        // Only data packs change class: they are large and read only on restore. Keys, index,
        // snapshots and metadata packs are small and read by every backup.
        ...(transitions.length > 0
          ? [{ id: 'DataPacksToColderStorage', prefix: `${this.prefix}/data/`, transitions }]
          : []),
      ],
      removalPolicy,
    });
    this.repositoryUrl = `s3://${this.bucket.bucketName}/${this.prefix}`;
  }

  private objects(): string {
    return this.bucket.arnForObjects(`${this.prefix}/*`);
  }

  private listing(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${this.prefix}/*`, this.prefix] } },
    });
  }

  private keyUse(
    grantee: iam.IGrantable,
    actions: string[],
    conditions?: Record<string, Record<string, unknown>>,
  ): iam.Grant {
    return iam.Grant.addToPrincipalAndResource({
      grantee,
      actions,
      resourceArns: [this.key.keyArn],
      resource: this.key,
      resourceSelfArns: ['*'],
      ...(conditions ? { conditions } : {}),
    });
  }

  /**
   * A backup worker: reads (to deduplicate against what is stored) and writes objects, never
   * deletes, and opens only writer slots. Its backups are sealed to the reader key, so even it
   * cannot read them back.
   */
  grantBackupWrite(grantee: iam.IGrantable): void {
    this.listing(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      resourceArns: [this.objects()],
    });
    this.keyUse(grantee, ['kms:Decrypt'], { StringEquals: { 'kms:EncryptionContext:role': 'writer' } });
  }

  /** Restore, verification and replication: read objects and open the repository. */
  grantRestoreRead(grantee: iam.IGrantable): void {
    this.listing(grantee);
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.objects()] });
    this.keyUse(grantee, ['kms:Decrypt']);
  }

  /** Retention and GC: read, rewrite the index, and delete what no snapshot needs. */
  grantPrune(grantee: iam.IGrantable): void {
    this.grantRestoreRead(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resourceArns: [this.objects()],
    });
  }

  /**
   * The repository administrator: creates the repository and its slots (a reader slot and the
   * workers' writer slot, both from kms:GenerateDataKey), and opens it to check an existing one.
   */
  grantAdminister(grantee: iam.IGrantable): void {
    this.grantRestoreRead(grantee);
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [this.objects()] });
    this.keyUse(grantee, ['kms:GenerateDataKey']);
  }
}
