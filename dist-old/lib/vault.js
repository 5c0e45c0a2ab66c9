"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.Vault = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const kms = __importStar(require("aws-cdk-lib/aws-kms"));
const s3 = __importStar(require("aws-cdk-lib/aws-s3"));
const constructs_1 = require("constructs");
/**
 * Where backups live: an S3 bucket holding the repository (docs/FORMAT.md) and the KMS key that
 * wraps the repository's master key. Lifeboat encrypts every object itself, so the bucket uses
 * S3-managed encryption; the key is the root of trust and its policy separates the duties:
 * backup workers may only open their write-only slot (`kms:Decrypt` under the encryption context
 * `role: writer`), restore-side functions may open the repository, and only the repository
 * administrator (the deploy-time initializer) makes slots with `kms:GenerateDataKey`. The account
 * root keeps the key's administration, not its use.
 */
class Vault extends constructs_1.Construct {
    key;
    bucket;
    accessLogsBucket;
    /** The repository's prefix in the bucket. */
    prefix;
    /** `s3://bucket/prefix`: the LIFEBOAT_REPOSITORY of every worker. */
    repositoryUrl;
    constructor(scope, id, props = {}) {
        super(scope, id);
        const removalPolicy = props.removalPolicy ?? aws_cdk_lib_1.RemovalPolicy.RETAIN;
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
            lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: aws_cdk_lib_1.Duration.days(365) }],
            removalPolicy,
        });
        const toIa = props.infrequentAccessAfterDays ?? 30;
        const toGir = props.glacierInstantRetrievalAfterDays ?? 90;
        const transitions = [];
        if (toIa > 0)
            transitions.push({
                storageClass: s3.StorageClass.INFREQUENT_ACCESS,
                transitionAfter: aws_cdk_lib_1.Duration.days(toIa),
            });
        if (toGir > 0)
            transitions.push({
                storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transitionAfter: aws_cdk_lib_1.Duration.days(toGir),
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
                    objectLockDefaultRetention: props.objectLock.mode === 'COMPLIANCE'
                        ? s3.ObjectLockRetention.compliance(aws_cdk_lib_1.Duration.days(props.objectLock.days))
                        : s3.ObjectLockRetention.governance(aws_cdk_lib_1.Duration.days(props.objectLock.days)),
                }
                : {}),
            lifecycleRules: [
                {
                    // A backup killed mid-upload leaves multipart uploads behind: invisible, but billed.
                    id: 'AbortIncompleteUploads',
                    abortIncompleteMultipartUploadAfter: aws_cdk_lib_1.Duration.days(7),
                },
                {
                    id: 'ExpireDeletedVersions',
                    noncurrentVersionExpiration: aws_cdk_lib_1.Duration.days(props.noncurrentVersionDays ?? 30),
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
    objects() {
        return this.bucket.arnForObjects(`${this.prefix}/*`);
    }
    listing(grantee) {
        return iam.Grant.addToPrincipal({
            grantee,
            actions: ['s3:ListBucket'],
            resourceArns: [this.bucket.bucketArn],
            conditions: { StringLike: { 's3:prefix': [`${this.prefix}/*`, this.prefix] } },
        });
    }
    keyUse(grantee, actions, conditions) {
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
    grantBackupWrite(grantee) {
        this.listing(grantee);
        iam.Grant.addToPrincipal({
            grantee,
            actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
            resourceArns: [this.objects()],
        });
        this.keyUse(grantee, ['kms:Decrypt'], { StringEquals: { 'kms:EncryptionContext:role': 'writer' } });
    }
    /** Restore, verification and replication: read objects and open the repository. */
    grantRestoreRead(grantee) {
        this.listing(grantee);
        iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.objects()] });
        this.keyUse(grantee, ['kms:Decrypt']);
    }
    /** Retention and GC: read, rewrite the index, and delete what no snapshot needs. */
    grantPrune(grantee) {
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
    grantAdminister(grantee) {
        this.grantRestoreRead(grantee);
        iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [this.objects()] });
        this.keyUse(grantee, ['kms:GenerateDataKey']);
    }
}
exports.Vault = Vault;
//# sourceMappingURL=vault.js.map