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
exports.S3RVER_CREDENTIALS = void 0;
exports.startS3rver = startS3rver;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const path = __importStar(require("node:path"));
const node_readline_1 = require("node:readline");
const client_s3_1 = require("@aws-sdk/client-s3");
/** s3rver's fixed credentials; it checks signatures against them. */
exports.S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/**
 * Starts s3rver (an S3 emulator, npm) in a child process on a free port with the given buckets.
 * See s3rver/server.js for the one behaviour added to it (create-only writes).
 */
async function startS3rver(buckets) {
    const dir = (0, node_fs_1.mkdtempSync)(path.join((0, node_os_1.tmpdir)(), 'lifeboat-s3rver-'));
    const child = (0, node_child_process_1.spawn)(process.execPath, ['--openssl-legacy-provider', path.join(__dirname, 's3rver', 'server.js'), dir, ...buckets], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const port = await new Promise((resolve, reject) => {
        const lines = (0, node_readline_1.createInterface)({ input: child.stdout });
        lines.on('line', (line) => {
            const m = /^listening (\d+)$/.exec(line);
            if (m)
                resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`s3rver exited (${code}): ${stderr}`)));
    });
    const endpoint = `http://127.0.0.1:${port}`;
    return {
        endpoint,
        env: {
            AWS_ENDPOINT_URL_S3: endpoint,
            AWS_ACCESS_KEY_ID: exports.S3RVER_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: exports.S3RVER_CREDENTIALS.secretAccessKey,
            AWS_REGION: 'us-east-1',
            LIFEBOAT_S3_PATH_STYLE: 'true',
        },
        client: (options = {}) => new client_s3_1.S3Client({
            endpoint: options.endpoint ?? endpoint,
            forcePathStyle: true,
            region: 'us-east-1',
            credentials: exports.S3RVER_CREDENTIALS,
            maxAttempts: options.maxAttempts,
        }),
        stop: async () => {
            if (child.exitCode === null) {
                child.kill('SIGTERM');
                await new Promise((r) => child.once('exit', r));
            }
            (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
        },
    };
}
//# sourceMappingURL=s3rver.js.map