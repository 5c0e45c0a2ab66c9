// A real local DynamoDB (dynalite, in memory) for the catalog's contract tests.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DynamoRecordStore } from '../../functions/adapters/aws/dynamodb/record-store';
import { RecordCatalog } from '../../functions/core/services/catalog/record-catalog';

export interface Dynalite {
  endpoint: string;
  client: DynamoDBClient;
  /** A catalog on a fresh table of this name. */
  catalog(table: string): Promise<RecordCatalog>;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<Dynalite> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  return {
    endpoint,
    client,
    async catalog(table: string) {
      const store = new DynamoRecordStore(client, table);
      await store.ensureTable();
      // The store's close() destroys only its document client wrapper, not the shared client.
      return new RecordCatalog(store);
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
