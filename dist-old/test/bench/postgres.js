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
exports.findPgTools = findPgTools;
exports.pgVersion = pgVersion;
exports.serverUser = serverUser;
exports.freePort = freePort;
exports.pgDatasets = pgDatasets;
// The pgbench dataset: two plain-format pg_dump outputs of a throwaway cluster, before and after a
// short pgbench run. The cluster exists only while the dumps are made.
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const net = __importStar(require("node:net"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const config_1 = require("./config");
const exec_1 = require("./exec");
const PG_TOOL_NAMES = ['initdb', 'pg_ctl', 'pgbench', 'pg_dump'];
/**
 * Debian keeps initdb and pg_ctl out of PATH (/usr/lib/postgresql/N/bin), so the newest complete
 * versioned directory wins; PATH is the fallback for other layouts.
 */
function findPgTools() {
    const root = '/usr/lib/postgresql';
    const versions = fs.existsSync(root)
        ? fs
            .readdirSync(root)
            .filter((v) => /^\d+(\.\d+)?$/.test(v))
            .sort((a, b) => Number(b) - Number(a))
        : [];
    for (const v of versions) {
        const bin = path.join(root, v, 'bin');
        if (PG_TOOL_NAMES.every((t) => (0, exec_1.isExecutable)(path.join(bin, t)))) {
            return {
                initdb: path.join(bin, 'initdb'),
                pg_ctl: path.join(bin, 'pg_ctl'),
                pgbench: path.join(bin, 'pgbench'),
                pg_dump: path.join(bin, 'pg_dump'),
            };
        }
    }
    const found = PG_TOOL_NAMES.map((t) => (0, exec_1.which)(t));
    const [initdb, pgCtl, pgbench, pgDump] = found;
    if (initdb && pgCtl && pgbench && pgDump)
        return { initdb, pg_ctl: pgCtl, pgbench, pg_dump: pgDump };
    return undefined;
}
async function pgVersion(tools) {
    const r = await (0, exec_1.capture)(tools.pg_dump, ['--version']);
    return r.stdout.trim();
}
/** PostgreSQL refuses to run as root, so as root the server runs as the `postgres` account. */
function serverUser() {
    if (process.getuid?.() !== 0)
        return { uid: -1, gid: -1, prefix: [] };
    const line = fs
        .readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .find((l) => l.startsWith('postgres:'));
    const fields = line?.split(':') ?? [];
    const runuser = (0, exec_1.which)('runuser', ['/usr/sbin', '/sbin']);
    if (fields.length < 4)
        return 'running as root needs a `postgres` account (created by the postgresql package)';
    if (!runuser)
        return 'running as root needs runuser (util-linux)';
    return { uid: Number(fields[2]), gid: Number(fields[3]), prefix: [runuser, '-u', 'postgres', '--'] };
}
function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const addr = srv.address();
            srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
        });
    });
}
/**
 * Two datasets from one pgbench database, before and after 1% of its accounts changed: plain SQL
 * dumps (what `pg_dump | restic backup --stdin` reads) and custom-format dumps without pg_dump's
 * compression (the bytes Lifeboat's PostgreSQL strategy streams).
 */
async function pgDatasets(o) {
    const tx = (0, config_1.pgbenchTransactions)(o.scale);
    const stem = path.join(o.dataDir, `pgbench-s${o.scale}-t${tx}`);
    const change = `second dump after \`pgbench -c ${config_1.PGBENCH_CLIENTS} -t ${tx} --random-seed ${config_1.PGBENCH_SEED}\`` +
        ` (${config_1.PGBENCH_CLIENTS * tx} random account updates, 1% of the accounts, plus history inserts; ` +
        `pgbench's filler columns are blank, so the dump compresses about 100×)`;
    const datasets = [
        { key: 'pg', name: 'pgbench.sql', base: `${stem}.sql`, changed: `${stem}-after.sql`, changeNote: change },
        {
            key: 'pgc',
            name: 'pgbench.dump',
            base: `${stem}.dump`,
            changed: `${stem}-after.dump`,
            changeNote: `${change}; pg_dump --format=custom --compress=0, as the PostgreSQL strategy runs it`,
        },
    ];
    const files = datasets.flatMap((d) => [d.base, d.changed]);
    if (files.every((f) => fs.existsSync(f))) {
        o.log(`reusing ${files.join(', ')}`);
        return datasets;
    }
    const started = Date.now();
    const [plain, custom] = datasets;
    await withCluster(o, async (env) => {
        const bench = (args) => (0, exec_1.runLogged)(o.tools.pgbench, args, o.logFile, { env });
        o.log(`pgbench -i -s ${o.scale}`);
        await bench(['-i', '-q', '-s', String(o.scale)]);
        await dumpTo(o, env, 'plain', `${plain.base}.partial`);
        await dumpTo(o, env, 'custom', `${custom.base}.partial`);
        o.log(`pgbench -c ${config_1.PGBENCH_CLIENTS} -t ${tx}`);
        await bench(['-c', String(config_1.PGBENCH_CLIENTS), '-t', String(tx), '--random-seed', String(config_1.PGBENCH_SEED)]);
        await dumpTo(o, env, 'plain', `${plain.changed}.partial`);
        await dumpTo(o, env, 'custom', `${custom.changed}.partial`);
    });
    for (const f of files)
        fs.renameSync(`${f}.partial`, f);
    o.log(`generated pgbench dumps: ${files.map((f) => `${(fs.statSync(f).size / 2 ** 20).toFixed(1)} MiB`).join(', ')} ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return datasets;
}
async function dumpTo(o, env, format, file) {
    o.log(`pg_dump --format=${format} > ${file}`);
    const out = fs.openSync(file, 'w');
    const log = fs.openSync(o.logFile, 'a');
    const args = format === 'plain' ? ['--format=plain'] : ['--format=custom', '--compress=0'];
    try {
        const r = await (0, exec_1.run)(o.tools.pg_dump, args, { env, stdout: out, stderr: log });
        if (r.code !== 0)
            throw new Error(`pg_dump ${(0, exec_1.describeExit)(r)} (see ${o.logFile})`);
    }
    finally {
        fs.closeSync(out);
        fs.closeSync(log);
    }
}
/** Starts a private cluster (unix socket + a free localhost port), runs fn, always stops it. */
async function withCluster(o, fn) {
    const user = serverUser();
    if (typeof user === 'string')
        throw new Error(user);
    const clusterDir = path.join(o.dataDir, 'pg-cluster.tmp');
    fs.rmSync(clusterDir, { recursive: true, force: true });
    fs.mkdirSync(clusterDir, { recursive: true });
    // A unix socket path is limited to ~107 bytes; a deep work dir falls back to a short temp dir.
    const sockDir = clusterDir.length + 20 < 100 ? clusterDir : fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-pg-'));
    if (user.uid >= 0) {
        fs.chownSync(clusterDir, user.uid, user.gid);
        fs.chownSync(sockDir, user.uid, user.gid);
    }
    const data = path.join(clusterDir, 'data');
    const port = await freePort();
    const asServer = (cmd, args) => {
        const [head, ...rest] = [...user.prefix, cmd, ...args];
        return [head ?? cmd, rest];
    };
    o.log(`starting a throwaway PostgreSQL cluster in ${clusterDir} (port ${port})`);
    await (0, exec_1.runLogged)(...asServer(o.tools.initdb, [
        '-D',
        data,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
    ]), o.logFile).catch((err) => {
        const hint = user.uid >= 0 ? `\n(the postgres account must be able to reach ${clusterDir})` : '';
        throw new Error(`${err instanceof Error ? err.message : String(err)}${hint}`);
    });
    // Settings go into postgresql.conf, not through `pg_ctl -o`, which pg_ctl hands to a shell.
    // Durability is irrelevant for a cluster that exists to produce a dump.
    const quote = (s) => `'${s.replace(/'/g, "''")}'`;
    fs.appendFileSync(path.join(data, 'postgresql.conf'), [
        '',
        '# lifeboat bench',
        `port = ${port}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = ${quote(sockDir)}`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        `max_wal_size = '4GB'`,
        '',
    ].join('\n'));
    const stopArgs = asServer(o.tools.pg_ctl, ['-D', data, '-m', 'fast', '-w', 'stop']);
    (0, exec_1.onInterrupt)('postgres', () => {
        (0, node_child_process_1.spawnSync)(stopArgs[0], stopArgs[1], { stdio: 'ignore' });
    });
    try {
        await (0, exec_1.runLogged)(...asServer(o.tools.pg_ctl, [
            '-D',
            data,
            '-l',
            path.join(clusterDir, 'server.log'),
            '-w',
            '-t',
            '120',
            'start',
        ]), o.logFile);
        const env = {
            ...process.env,
            PGHOST: sockDir,
            PGPORT: String(port),
            PGUSER: 'postgres',
            PGDATABASE: 'postgres',
        };
        await fn(env);
    }
    finally {
        await (0, exec_1.runLogged)(...stopArgs, o.logFile).catch((err) => {
            o.log(`warning: could not stop the cluster: ${err instanceof Error ? err.message : String(err)}`);
        });
        (0, exec_1.offInterrupt)('postgres');
        fs.rmSync(clusterDir, { recursive: true, force: true });
        if (sockDir !== clusterDir)
            fs.rmSync(sockDir, { recursive: true, force: true });
    }
}
//# sourceMappingURL=postgres.js.map