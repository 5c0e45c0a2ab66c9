import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  ConditionFailedError,
  INDEX_NAMES,
  type IndexKeys,
  type RecordKey,
  type RecordPage,
  type RecordQuery,
  type RecordStore,
  type StoredRecord,
  type WriteCondition,
} from '../../../core/ports/record-store';
import { decodeCursor, encodeCursor } from '../../../core/services/catalog/cursor';

/** Attributes of the item that are the store's, not the record's. */
const VERSION = '_version';
const INTERNAL = new Set(['pk', 'sk', VERSION, ...INDEX_NAMES.flatMap((n) => [`${n}pk`, `${n}sk`])]);

/**
 * The catalog table: partition key `pk`, sort key `sk`, and GSIs gsi1..gsi6 on
 * (gsiNpk, gsiNsk), all projecting every attribute. The record's fields are top-level
 * attributes (readable in the console); `_version` drives the conditional writes.
 */
export class DynamoRecordStore implements RecordStore {
  readonly kind = 'dynamodb' as const;
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }

  async get(key: RecordKey): Promise<StoredRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
    );
    return Item ? toRecord(Item) : undefined;
  }

  async put(
    key: RecordKey,
    doc: Record<string, unknown>,
    indexes: IndexKeys,
    condition: WriteCondition,
  ): Promise<number> {
    const version = 'absent' in condition ? 1 : condition.version + 1;
    const item: Record<string, unknown> = { ...doc, pk: key.pk, sk: key.sk, [VERSION]: version };
    for (const name of INDEX_NAMES) {
      const indexKey = indexes[name];
      if (indexKey) {
        item[`${name}pk`] = indexKey.pk;
        item[`${name}sk`] = indexKey.sk;
      }
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...('absent' in condition
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': VERSION },
                ExpressionAttributeValues: { ':v': condition.version },
              }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConditionFailedError(key);
      throw error;
    }
    return version;
  }

  async delete(key: RecordKey, version: number): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: key.pk, sk: key.sk },
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': VERSION },
          ExpressionAttributeValues: { ':v': version },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConditionFailedError(key);
      throw error;
    }
  }

  async query(query: RecordQuery): Promise<RecordPage> {
    const onIndex = query.index !== 'table';
    const pkName = onIndex ? `${query.index}pk` : 'pk';
    const skName = onIndex ? `${query.index}sk` : 'sk';
    const names: Record<string, string> = { '#p': pkName };
    const values: Record<string, unknown> = { ':p': query.pk };
    let condition = '#p = :p';
    if (query.skFrom !== undefined || query.skTo !== undefined) {
      names['#s'] = skName;
      // [from, to): BETWEEN is inclusive, so an item whose key equals `to` is dropped below.
      if (query.skFrom !== undefined && query.skTo !== undefined) {
        condition += ' AND #s BETWEEN :from AND :to';
        values[':from'] = query.skFrom;
        values[':to'] = query.skTo;
      } else if (query.skFrom !== undefined) {
        condition += ' AND #s >= :from';
        values[':from'] = query.skFrom;
      } else {
        condition += ' AND #s < :to';
        values[':to'] = query.skTo;
      }
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      ...(onIndex ? { IndexName: query.index } : { ConsistentRead: true }),
      KeyConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !query.descending,
      Limit: query.limit,
      ...(query.cursor ? { ExclusiveStartKey: decodeCursor(query.cursor) } : {}),
    };
    const { Items = [], LastEvaluatedKey } = await this.doc.send(new QueryCommand(input));
    const items = Items.filter((item) => query.skTo === undefined || item[skName] !== query.skTo);
    return {
      items: items.map(toRecord),
      ...(LastEvaluatedKey ? { next: encodeCursor(LastEvaluatedKey as Record<string, string>) } : {}),
    };
  }

  close(): Promise<void> {
    this.doc.destroy();
    return Promise.resolve();
  }

  /** Creates the table when it does not exist (local and test use; in AWS the CDK app owns it). */
  async ensureTable(): Promise<void> {
    try {
      await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
      return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    const attributes = ['pk', 'sk', ...INDEX_NAMES.flatMap((n) => [`${n}pk`, `${n}sk`])];
    await this.client.send(
      new CreateTableCommand({
        TableName: this.tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: INDEX_NAMES.map((name) => ({
          IndexName: name,
          KeySchema: [
            { AttributeName: `${name}pk`, KeyType: 'HASH' },
            { AttributeName: `${name}sk`, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  }
}

function toRecord(item: Record<string, unknown>): StoredRecord {
  const doc: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!INTERNAL.has(name)) doc[name] = value;
  return { key: { pk: String(item.pk), sk: String(item.sk) }, version: Number(item[VERSION]), doc };
}
