"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DynamoRecordStore = void 0;
const client_dynamodb_1 = require("@aws-sdk/client-dynamodb");
const lib_dynamodb_1 = require("@aws-sdk/lib-dynamodb");
const record_store_1 = require("../../../core/ports/record-store");
const cursor_1 = require("../../../core/services/catalog/cursor");
/** Attributes of the item that are the store's, not the record's. */
const VERSION = '_version';
const INTERNAL = new Set(['pk', 'sk', VERSION, ...record_store_1.INDEX_NAMES.flatMap((n) => [`${n}pk`, `${n}sk`])]);
/**
 * The catalog table: partition key `pk`, sort key `sk`, and GSIs gsi1..gsi6 on
 * (gsiNpk, gsiNsk), all projecting every attribute. The record's fields are top-level
 * attributes (readable in the console); `_version` drives the conditional writes.
 */
class DynamoRecordStore {
    client;
    tableName;
    kind = 'dynamodb';
    doc;
    constructor(client, tableName) {
        this.client = client;
        this.tableName = tableName;
        this.doc = lib_dynamodb_1.DynamoDBDocumentClient.from(client, {
            marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
        });
    }
    async get(key) {
        const { Item } = await this.doc.send(new lib_dynamodb_1.GetCommand({ TableName: this.tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }));
        return Item ? toRecord(Item) : undefined;
    }
    async put(key, doc, indexes, condition) {
        const version = 'absent' in condition ? 1 : condition.version + 1;
        const item = { ...doc, pk: key.pk, sk: key.sk, [VERSION]: version };
        for (const name of record_store_1.INDEX_NAMES) {
            const indexKey = indexes[name];
            if (indexKey) {
                item[`${name}pk`] = indexKey.pk;
                item[`${name}sk`] = indexKey.sk;
            }
        }
        try {
            await this.doc.send(new lib_dynamodb_1.PutCommand({
                TableName: this.tableName,
                Item: item,
                ...('absent' in condition
                    ? { ConditionExpression: 'attribute_not_exists(pk)' }
                    : {
                        ConditionExpression: '#v = :v',
                        ExpressionAttributeNames: { '#v': VERSION },
                        ExpressionAttributeValues: { ':v': condition.version },
                    }),
            }));
        }
        catch (error) {
            if (error instanceof client_dynamodb_1.ConditionalCheckFailedException)
                throw new record_store_1.ConditionFailedError(key);
            throw error;
        }
        return version;
    }
    async delete(key, version) {
        try {
            await this.doc.send(new lib_dynamodb_1.DeleteCommand({
                TableName: this.tableName,
                Key: { pk: key.pk, sk: key.sk },
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': VERSION },
                ExpressionAttributeValues: { ':v': version },
            }));
        }
        catch (error) {
            if (error instanceof client_dynamodb_1.ConditionalCheckFailedException)
                throw new record_store_1.ConditionFailedError(key);
            throw error;
        }
    }
    async query(query) {
        const onIndex = query.index !== 'table';
        const pkName = onIndex ? `${query.index}pk` : 'pk';
        const skName = onIndex ? `${query.index}sk` : 'sk';
        const names = { '#p': pkName };
        const values = { ':p': query.pk };
        let condition = '#p = :p';
        if (query.skFrom !== undefined || query.skTo !== undefined) {
            names['#s'] = skName;
            // [from, to): BETWEEN is inclusive, so an item whose key equals `to` is dropped below.
            if (query.skFrom !== undefined && query.skTo !== undefined) {
                condition += ' AND #s BETWEEN :from AND :to';
                values[':from'] = query.skFrom;
                values[':to'] = query.skTo;
            }
            else if (query.skFrom !== undefined) {
                condition += ' AND #s >= :from';
                values[':from'] = query.skFrom;
            }
            else {
                condition += ' AND #s < :to';
                values[':to'] = query.skTo;
            }
        }
        const input = {
            TableName: this.tableName,
            ...(onIndex ? { IndexName: query.index } : { ConsistentRead: true }),
            KeyConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: !query.descending,
            Limit: query.limit,
            ...(query.cursor ? { ExclusiveStartKey: (0, cursor_1.decodeCursor)(query.cursor) } : {}),
        };
        const { Items = [], LastEvaluatedKey } = await this.doc.send(new lib_dynamodb_1.QueryCommand(input));
        const items = Items.filter((item) => query.skTo === undefined || item[skName] !== query.skTo);
        return {
            items: items.map(toRecord),
            ...(LastEvaluatedKey ? { next: (0, cursor_1.encodeCursor)(LastEvaluatedKey) } : {}),
        };
    }
    close() {
        this.doc.destroy();
        return Promise.resolve();
    }
    /** Creates the table when it does not exist (local and test use; in AWS the CDK app owns it). */
    async ensureTable() {
        try {
            await this.client.send(new client_dynamodb_1.DescribeTableCommand({ TableName: this.tableName }));
            return;
        }
        catch (error) {
            if (!(error instanceof client_dynamodb_1.ResourceNotFoundException))
                throw error;
        }
        const attributes = ['pk', 'sk', ...record_store_1.INDEX_NAMES.flatMap((n) => [`${n}pk`, `${n}sk`])];
        await this.client.send(new client_dynamodb_1.CreateTableCommand({
            TableName: this.tableName,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
            KeySchema: [
                { AttributeName: 'pk', KeyType: 'HASH' },
                { AttributeName: 'sk', KeyType: 'RANGE' },
            ],
            GlobalSecondaryIndexes: record_store_1.INDEX_NAMES.map((name) => ({
                IndexName: name,
                KeySchema: [
                    { AttributeName: `${name}pk`, KeyType: 'HASH' },
                    { AttributeName: `${name}sk`, KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
            })),
        }));
    }
}
exports.DynamoRecordStore = DynamoRecordStore;
function toRecord(item) {
    const doc = {};
    for (const [name, value] of Object.entries(item))
        if (!INTERNAL.has(name))
            doc[name] = value;
    return { key: { pk: String(item.pk), sk: String(item.sk) }, version: Number(item[VERSION]), doc };
}
//# sourceMappingURL=record-store.js.map