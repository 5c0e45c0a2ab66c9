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
exports.catalogPath = catalogPath;
exports.localSystem = localSystem;
const node_crypto_1 = require("node:crypto");
const node_os_1 = require("node:os");
const path = __importStar(require("node:path"));
const secret_reader_1 = require("../adapters/aws/secrets-manager/secret-reader");
const record_store_1 = require("../adapters/local/sqlite/record-store");
const record_catalog_1 = require("../core/services/catalog/record-catalog");
const event_bus_1 = require("./event-bus");
const home_1 = require("./home");
/** Backups estimated above this size take the Fargate route (10 GiB; locally the same worker). */
const DEFAULT_FARGATE_THRESHOLD = 10 * 1024 ** 3;
function localActor() {
    let user;
    try {
        user = (0, node_os_1.userInfo)().username;
    }
    catch {
        user = `uid:${process.getuid?.() ?? 'unknown'}`;
    }
    return { user_id: user, ip_address: null, user_agent: 'lifeboat-cli' };
}
/**
 * The catalog file, one per repository (it indexes one): LIFEBOAT_HOME/catalog.db for the
 * default repository, LIFEBOAT_HOME/catalogs/<hash of its path>.db for one named with --repo.
 * LIFEBOAT_CATALOG names the file outright.
 */
function catalogPath(settings, env = process.env) {
    if (env.LIFEBOAT_CATALOG)
        return path.resolve(env.LIFEBOAT_CATALOG);
    if (settings.repoUrl === path.join(settings.home, 'repository'))
        return path.join(settings.home, 'catalog.db');
    const tag = (0, node_crypto_1.createHash)('sha256').update(settings.repoUrl).digest('hex').slice(0, 16);
    return path.join(settings.home, 'catalogs', `${tag}.db`);
}
/**
 * The repository when it is a directory here, the catalog's database with its journals, and the
 * key file (see OwnFiles: left out of file backups, left alone by restores).
 */
function ownFilesOf(settings, env) {
    const catalog = catalogPath(settings, env);
    return [
        ...(settings.repo.backend === 'local'
            ? [{ path: settings.repo.path, what: "Lifeboat's repository" }]
            : []),
        ...['', '-wal', '-shm', '-journal'].map((suffix) => ({
            path: catalog + suffix,
            what: "Lifeboat's catalog",
        })),
        { path: settings.keyFile, what: "Lifeboat's key file" },
    ];
}
/**
 * The local composition root: SQLite catalog, local repository (created on first use), the
 * in-process event bus, and the local user as the actor.
 */
function localSystem(settings, env = process.env, options = {}) {
    const catalog = new record_catalog_1.RecordCatalog(new record_store_1.SqliteRecordStore(catalogPath(settings, env)));
    const events = new event_bus_1.LocalEventBus();
    let opened;
    let created;
    const threshold = Number(env.LIFEBOAT_FARGATE_THRESHOLD_BYTES || DEFAULT_FARGATE_THRESHOLD);
    const ctx = {
        catalog,
        // Reading from a copy (restore --from) opens that copy with the same keys, never creates it.
        repository: () => (opened ??= options.repository
            ? Promise.resolve(options.repository)
            : options.readFrom
                ? (0, home_1.openRepository)(options.readFrom)
                : (0, home_1.openOrInitRepository)(settings).then((r) => {
                    created = r.created;
                    return r.repository;
                })),
        ...(0, home_1.storageContext)(settings),
        events,
        actor: localActor(),
        now: () => new Date(),
        fargateThresholdBytes: Number.isFinite(threshold) && threshold > 0 ? threshold : DEFAULT_FARGATE_THRESHOLD,
        // Locally too: a target may keep its password in Secrets Manager (with AWS credentials here).
        secrets: (0, secret_reader_1.lazySecretsManagerReader)(),
        ownFiles: ownFilesOf(settings, env),
    };
    return { ctx, catalog, events, created: () => created, close: () => catalog.close() };
}
//# sourceMappingURL=system.js.map