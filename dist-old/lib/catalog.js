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
exports.Catalog = exports.CATALOG_INDEXES = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const dynamodb = __importStar(require("aws-cdk-lib/aws-dynamodb"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const constructs_1 = require("constructs");
/** The GSIs of the catalog's key design (functions/core/services/catalog/keys.ts, docs/ARCHITECTURE.md). */
exports.CATALOG_INDEXES = ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5', 'gsi6'];
/**
 * The catalog: one DynamoDB table for the seed's tables (schedules, backups, recovery jobs,
 * verifications, audit log, targets), keys `pk`/`sk` and six GSIs that all project everything,
 * as the DynamoDB record store expects. On-demand capacity, point-in-time recovery, deletion
 * protection. No TTL: nothing in the catalog expires by time (retention deletes backups
 * through the workflow, which keeps the repository and the catalog in step).
 */
class Catalog extends constructs_1.Construct {
    table;
    encryptionKey;
    constructor(scope, id, props) {
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
            removalPolicy: props.removalPolicy ?? aws_cdk_lib_1.RemovalPolicy.RETAIN,
        });
        for (const name of exports.CATALOG_INDEXES)
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
    grantReadWrite(grantee) {
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
                ...exports.CATALOG_INDEXES.map((name) => `${this.table.tableArn}/index/${name}`),
            ],
        });
        this.encryptionKey.grant(grantee, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    }
}
exports.Catalog = Catalog;
//# sourceMappingURL=catalog.js.map