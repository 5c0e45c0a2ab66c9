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
exports.AZURITE_ACCOUNT = void 0;
exports.startAzurite = startAzurite;
const node_child_process_1 = require("node:child_process");
const path = __importStar(require("node:path"));
const node_readline_1 = require("node:readline");
const storage_blob_1 = require("@azure/storage-blob");
/** Azurite's fixed development account; it checks shared-key signatures against this key. */
exports.AZURITE_ACCOUNT = {
    name: 'devstoreaccount1',
    key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};
const AZURITE_MAIN = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
/** Azurite 3.35 prints "Azurite Blob service successfully listens on http://127.0.0.1:PORT". */
const LISTENING = /listens on http:\/\/127\.0\.0\.1:(\d+)/;
const START_TIMEOUT_MS = 30_000;
function waitForPort(child, output) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`Azurite did not start within ${START_TIMEOUT_MS} ms: ${output()}`));
        }, START_TIMEOUT_MS);
        (0, node_readline_1.createInterface)({ input: child.stdout }).on('line', (line) => {
            const m = LISTENING.exec(line);
            if (!m)
                return;
            clearTimeout(timer);
            resolve(Number(m[1]));
        });
        child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`Azurite exited (${code}): ${output()}`));
        });
    });
}
/**
 * Starts Azurite's blob service (the Azure Storage emulator, npm) in a child process, on a free
 * port and in memory, with the given containers. Azurite has no stable programmatic API, so the
 * CLI is spawned, with this process's Node so that tests and emulator agree on the runtime.
 */
async function startAzurite(containers) {
    const child = (0, node_child_process_1.spawn)(process.execPath, [
        AZURITE_MAIN,
        '--inMemoryPersistence',
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        '0',
        '--loose',
        '--skipApiVersionCheck',
        '--disableTelemetry',
        '--silent',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const port = await waitForPort(child, () => stderr);
    const connectionString = `DefaultEndpointsProtocol=http;AccountName=${exports.AZURITE_ACCOUNT.name};AccountKey=${exports.AZURITE_ACCOUNT.key};` +
        `BlobEndpoint=http://127.0.0.1:${port}/${exports.AZURITE_ACCOUNT.name};`;
    const serviceClient = () => storage_blob_1.BlobServiceClient.fromConnectionString(connectionString);
    const stop = async () => {
        if (child.exitCode !== null || child.signalCode !== null)
            return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
    };
    try {
        for (const name of containers)
            await serviceClient().getContainerClient(name).create();
    }
    catch (error) {
        await stop();
        throw error;
    }
    return {
        connectionString,
        env: { AZURE_STORAGE_CONNECTION_STRING: connectionString },
        serviceClient,
        stop,
    };
}
//# sourceMappingURL=azurite.js.map