import { DatabaseError } from '../../core/errors';
import type { ResolvedCredential } from '../database/credentials';
import type { MongoConnection } from './tools';
import { drivers } from '../database/drivers';
import * as fs from 'node:fs';

/** The few server operations Lifeboat needs beyond the dump tools. */
export interface MongoAdmin {
  serverVersion(): Promise<string>;
  databaseSize(database: string): Promise<number>;
  databaseExists(database: string): Promise<boolean>;
  collections(database: string): Promise<string[]>;
  dropDatabase(database: string): Promise<void>;
  end(): Promise<void>;
}

function server(conn: MongoConnection): string {
  return `${conn.host}:${conn.port}`;
}

/** A password file for MongoDB is a tools --config YAML file: its `password:` line. */
function passwordOf(credential: ResolvedCredential): string | undefined {
  if (credential.password !== undefined) return credential.password;
  if (!credential.file) return undefined;
  const line = /^password:\s*(.*)$/m.exec(fs.readFileSync(credential.file, 'utf8'))?.[1]?.trim();
  if (line === undefined) return undefined;
  return line.startsWith('"') ? (JSON.parse(line) as string) : line.replace(/^'(.*)'$/, '$1');
}

/** The official driver, for what the tools cannot do (sizes, existence, drop). */
export async function mongoAdmin(conn: MongoConnection, credential: ResolvedCredential): Promise<MongoAdmin> {
  const password = passwordOf(credential);
  const client = new (drivers.mongodb().MongoClient)(
    `mongodb://${conn.host.includes(':') ? `[${conn.host}]` : conn.host}:${conn.port}/`,
    {
      ...(password !== undefined
        ? { auth: { username: conn.user, password }, authSource: conn.auth_database }
        : {}),
      tls: conn.tls.mode === 'require' || conn.tls.mode === 'verify-ca' || conn.tls.mode === 'verify-full',
      ...(conn.tls.ca_file ? { tlsCAFile: conn.tls.ca_file } : {}),
      tlsAllowInvalidCertificates: conn.tls.mode === 'require',
      tlsAllowInvalidHostnames: conn.tls.mode === 'require' || conn.tls.mode === 'verify-ca',
      serverSelectionTimeoutMS: 15_000,
      appName: 'lifeboat',
    },
  );
  try {
    await client.connect();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw /auth/i.test(message)
      ? new DatabaseError(
          'DB_AUTH',
          `MongoDB at ${server(conn)} refused user "${conn.user}": ${message}.`,
          'Check the password the target references and the authentication database.',
          { cause: error },
        )
      : new DatabaseError(
          'DB_UNREACHABLE',
          `Cannot reach MongoDB at ${server(conn)}: ${message}.`,
          'Check the host and port, and that the server is running and reachable from here.',
          { cause: error },
        );
  }
  const names = async () =>
    (await client.db('admin').admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
  return {
    serverVersion: async () => String((await client.db('admin').admin().serverInfo()).version),
    databaseSize: async (database) => Number((await client.db(database).stats()).storageSize ?? 0),
    databaseExists: async (database) => (await names()).includes(database),
    collections: async (database) =>
      (await client.db(database).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name),
    dropDatabase: async (database) => {
      await client.db(database).dropDatabase();
    },
    end: () => client.close(),
  };
}
