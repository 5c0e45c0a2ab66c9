import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** The GSIs of the catalog's key design (functions/core/services/catalog/keys.ts, docs/ARCHITECTURE.md). */
export const CATALOG_INDEXES = ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5', 'gsi6'] as const;

export interface CatalogProps {
  /** Encrypts the table (customer-managed, so CloudTrail shows each use). */
  readonly encryptionKey: kms.IKey;
  /**
   * @default RemovalPolicy.RETAIN: the catalog can be rebuilt from the repository
   * (`lifeboat catalog rebuild`), but schedules, jobs and the audit log live only here
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The catalog: one DynamoDB table for the seed's tables (schedules, backups, recovery jobs,
 * verifications, audit log, targets), keys `pk`/`sk` and six GSIs that all project everything,
 * as the DynamoDB record store expects. On-demand capacity, point-in-time recovery, deletion
 * protection. No TTL: nothing in the catalog expires by time (retention deletes backups
 * through the workflow, which keeps the repository and the catalog in step).
 */
export class Catalog extends Construct {
  readonly table: dynamodb.Table;
  readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const name of CATALOG_INDEXES)
      this.table.addGlobalSecondaryIndex({
        indexName: name,
        partitionKey: { name: `${name}pk`, type: dynamodb.AttributeType.STRING },
        sortKey: { name: `${name}sk`, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
  }

  /**
   * Every workflow step records its job: the item reads, conditional writes and queries the
   * DynamoDB record store makes, on the table and each index by name, and the key uses DynamoDB
   * makes on the caller's behalf; nothing wider (no scans, no batch calls, no wildcards).
   */
  grantReadWrite(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
        'dynamodb:DescribeTable',
      ],
      resourceArns: [
        this.table.tableArn,
        ...CATALOG_INDEXES.map((name) => `${this.table.tableArn}/index/${name}`),
      ],
    });
    this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
  }
}
