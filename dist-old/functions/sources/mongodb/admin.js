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
exports.mongoAdmin = mongoAdmin;
const errors_1 = require("../../core/errors");
const drivers_1 = require("../database/drivers");
const fs = __importStar(require("node:fs"));
function server(conn) {
    return `${conn.host}:${conn.port}`;
}
/** A password file for MongoDB is a tools --config YAML file: its `password:` line. */
function passwordOf(credential) {
    if (credential.password !== undefined)
        return credential.password;
    if (!credential.file)
        return undefined;
    const line = /^password:\s*(.*)$/m.exec(fs.readFileSync(credential.file, 'utf8'))?.[1]?.trim();
    if (line === undefined)
        return undefined;
    return line.startsWith('"') ? JSON.parse(line) : line.replace(/^'(.*)'$/, '$1');
}
/** The official driver, for what the tools cannot do (sizes, existence, drop). */
async function mongoAdmin(conn, credential) {
    const password = passwordOf(credential);
    const client = new (drivers_1.drivers.mongodb().MongoClient)(`mongodb://${conn.host.includes(':') ? `[${conn.host}]` : conn.host}:${conn.port}/`, {
        ...(password !== undefined
            ? { auth: { username: conn.user, password }, authSource: conn.auth_database }
            : {}),
        tls: conn.tls.mode === 'require' || conn.tls.mode === 'verify-ca' || conn.tls.mode === 'verify-full',
        ...(conn.tls.ca_file ? { tlsCAFile: conn.tls.ca_file } : {}),
        tlsAllowInvalidCertificates: conn.tls.mode === 'require',
        tlsAllowInvalidHostnames: conn.tls.mode === 'require' || conn.tls.mode === 'verify-ca',
        serverSelectionTimeoutMS: 15_000,
        appName: 'lifeboat',
    });
    try {
        await client.connect();
    }
    catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw /auth/i.test(message)
            ? new errors_1.DatabaseError('DB_AUTH', `MongoDB at ${server(conn)} refused user "${conn.user}": ${message}.`, 'Check the password the target references and the authentication database.', { cause: error })
            : new errors_1.DatabaseError('DB_UNREACHABLE', `Cannot reach MongoDB at ${server(conn)}: ${message}.`, 'Check the host and port, and that the server is running and reachable from here.', { cause: error });
    }
    const names = async () => (await client.db('admin').admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
    return {
        serverVersion: async () => String((await client.db('admin').admin().serverInfo()).version),
        databaseSize: async (database) => Number((await client.db(database).stats()).storageSize ?? 0),
        databaseExists: async (database) => (await names()).includes(database),
        collections: async (database) => (await client.db(database).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name),
        dropDatabase: async (database) => {
            await client.db(database).dropDatabase();
        },
        end: () => client.close(),
    };
}
//# sourceMappingURL=admin.js.map