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
exports.resolveSettings = resolveSettings;
exports.storageContext = storageContext;
exports.storeOf = storeOf;
exports.openingProviders = openingProviders;
exports.openRepository = openRepository;
exports.initRepository = initRepository;
exports.openOrInitRepository = openOrInitRepository;
const node_fs_1 = require("node:fs");
const fs = __importStar(require("node:fs/promises"));
const node_os_1 = require("node:os");
const path = __importStar(require("node:path"));
const key_file_1 = require("../adapters/local/key-file");
const open_store_1 = require("../adapters/open-store");
const passphrase_1 = require("../adapters/local/passphrase");
const lazy_1 = require("../adapters/aws/kms/lazy");
const repository_url_1 = require("../adapters/repository-url");
const request_counter_1 = require("../adapters/shared/request-counter");
const errors_1 = require("../core/errors");
const repository_1 = require("../repository/repository");
function resolveSettings(options, env = process.env) {
    const home = path.resolve(env.LIFEBOAT_HOME || path.join((0, node_os_1.homedir)(), '.lifeboat'));
    const repo = (0, repository_url_1.parseRepositoryUrl)(options.repo ?? (env.LIFEBOAT_REPO || env.LIFEBOAT_REPOSITORY || path.join(home, 'repository')), env);
    return {
        home,
        repo,
        repoUrl: (0, repository_url_1.locationUrl)(repo),
        keyFile: path.resolve(options.keyFile ?? env.LIFEBOAT_KEY_FILE ?? path.join(home, 'key')),
        passphrase: env.LIFEBOAT_PASSPHRASE || undefined,
        kmsKeyId: options.kms ?? (env.LIFEBOAT_KMS_KEY_ID || undefined),
        env,
        requests: new request_counter_1.RequestCounter(),
    };
}
/**
 * The storage part of a ServiceContext, for both composition roots: where the repository is
 * (recorded on each backup), the requests a cloud store made, and other stores by URL (replicas).
 */
function storageContext(settings) {
    return {
        storage: {
            backend: settings.repo.backend,
            location: settings.repoUrl,
            ...(settings.repo.backend === 'local' ? {} : { requests: () => settings.requests.snapshot() }),
        },
        openStore: (url) => (0, open_store_1.openStoreAt)(url, settings.env),
    };
}
/** The settings' object store (a cloud SDK is loaded on first use). */
function storeOf(settings) {
    return (0, open_store_1.openObjectStore)(settings.repo, settings.env, settings.requests);
}
/** The secret a new repository is created with: a KMS key, a passphrase, or the key file. */
function creatingProvider(settings) {
    if (settings.kmsKeyId)
        return (0, lazy_1.lazyKmsKeyProvider)(settings.kmsKeyId);
    return settings.passphrase !== undefined
        ? new passphrase_1.PassphraseProvider(settings.passphrase)
        : new key_file_1.KeyFileProvider(settings.keyFile);
}
/**
 * The secrets this process holds, in the order they are tried: the passphrase when set, the key
 * file when it exists, then KMS (called only when the repository has a KMS slot). The key file
 * stays in the list when nothing else is, so that its absence is what the error reports.
 */
function openingProviders(settings) {
    const out = [];
    if (settings.passphrase !== undefined)
        out.push(new passphrase_1.PassphraseProvider(settings.passphrase));
    if (settings.passphrase === undefined || (0, node_fs_1.existsSync)(settings.keyFile))
        out.push(new key_file_1.KeyFileProvider(settings.keyFile));
    out.push((0, lazy_1.lazyKmsKeyProvider)());
    return out;
}
async function openRepository(settings, store) {
    if (settings.repo.backend === 'local') {
        try {
            await fs.access(settings.repo.path);
        }
        catch (error) {
            if (error.code === 'EACCES')
                throw new errors_1.StoragePermissionError(settings.repoUrl, error);
            throw new errors_1.RepositoryNotFoundError(settings.repoUrl);
        }
    }
    return repository_1.Repository.open(store ?? (await storeOf(settings)), openingProviders(settings));
}
async function initRepository(settings, options = {}) {
    // Settings are checked before anything is created: a typo must leave nothing behind.
    (0, repository_1.newConfig)(options);
    let keyFileCreated = false;
    try {
        if (settings.repo.backend === 'local')
            await fs.mkdir(settings.repo.path, { recursive: true, mode: 0o700 });
        if (settings.passphrase === undefined && !settings.kmsKeyId) {
            await fs.mkdir(path.dirname(settings.keyFile), { recursive: true, mode: 0o700 });
            try {
                await fs.access(settings.keyFile);
            }
            catch {
                await (0, key_file_1.createKeyFile)(settings.keyFile);
                keyFileCreated = true;
            }
        }
    }
    catch (error) {
        const code = error.code;
        if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
            throw new errors_1.StoragePermissionError(settings.repoUrl, error);
        throw error;
    }
    const repository = await repository_1.Repository.init(await storeOf(settings), creatingProvider(settings), options);
    return { repository, keyFileCreated };
}
/** Opens the repository, creating it (and the key file) on first use. */
async function openOrInitRepository(settings) {
    const store = await storeOf(settings);
    // A local directory that cannot be read is reported by open; a cloud error is reported here.
    const exists = settings.repo.backend === 'local'
        ? await repository_1.Repository.exists(store).catch(() => false)
        : await repository_1.Repository.exists(store);
    if (exists)
        return { repository: await openRepository(settings, store) };
    const created = await initRepository(settings);
    return { repository: created.repository, created };
}
//# sourceMappingURL=home.js.map