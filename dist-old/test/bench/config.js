"use strict";
// Constants of the benchmark. Changing any dataset constant changes the cached file names too, so a
// stale dataset is never mistaken for the new one.
Object.defineProperty(exports, "__esModule", { value: true });
exports.PEER_PASSWORD = exports.COMMAND_TIMEOUT_MS = exports.DEFAULT_REPEATS = exports.STREAM_GOALS_ISSUE = exports.TREE_GOALS = exports.GOALS = exports.CLOUD_STREAM_SIZES_QUICK = exports.CLOUD_STREAM_SIZES = exports.STREAM_SEED = exports.STREAM_SIZES_QUICK = exports.STREAM_SIZES = exports.CHANGE_SEED = exports.CHANGE_INSERT_BYTES = exports.CHANGE_EDITS = exports.CHANGE_FRACTION = exports.TREE_RANDOM_SEED = exports.TREE_RANDOM_BYTES = exports.TREE_RANDOM_FILE = exports.TREE_CHANGE_LINE = exports.TREE_CHANGE_EVERY = exports.TREE_QUICK_DIRS = exports.LINUX_TAR_TOP = exports.QUICK_TAR_BYTES = exports.PGBENCH_SEED = exports.PGBENCH_CLIENTS = exports.PGBENCH_SCALE_QUICK = exports.PGBENCH_SCALE = exports.GNU_TIME = exports.LINUX_SOURCE_XZ = exports.GiB = exports.MiB = exports.KiB = void 0;
exports.pgbenchTransactions = pgbenchTransactions;
exports.KiB = 1024;
exports.MiB = 1024 * exports.KiB;
exports.GiB = 1024 * exports.MiB;
/** Debian's linux-source-6.1 package: 138 MB of xz that decompresses to a ~1.36 GB tar. */
exports.LINUX_SOURCE_XZ = '/usr/src/linux-source-6.1.tar.xz';
/** GNU time: the only portable way to get a child's peak RSS together with its CPU times. */
exports.GNU_TIME = '/usr/bin/time';
/** pgbench scale: 50 gives ~5 M account rows, ~750 MB in the cluster, ~0.5 GB of plain SQL. */
exports.PGBENCH_SCALE = 50;
exports.PGBENCH_SCALE_QUICK = 10;
/**
 * The change between the two dumps: TPC-B-like transactions by 2 clients, seeded, as many as 1%
 * of the accounts (scale x 100,000 rows): the "1% changed database" of issue 5.
 */
exports.PGBENCH_CLIENTS = 2;
function pgbenchTransactions(scale) {
    return (scale * 100_000) / 100 / exports.PGBENCH_CLIENTS;
}
exports.PGBENCH_SEED = 42;
/** --quick works on a prefix of the tar instead of the whole of it. */
exports.QUICK_TAR_BYTES = 200 * exports.MiB;
/** The one top-level directory of linux.tar; the tree dataset is extracted without it. */
exports.LINUX_TAR_TOP = 'linux-source-6.1';
/** --quick extracts only these directories of the tree (5,695 files, 122 MiB). */
exports.TREE_QUICK_DIRS = ['drivers/net'];
/** The tree's change: one line appended to the 100th, 200th, … `.c` file in sorted path order… */
exports.TREE_CHANGE_EVERY = 100;
exports.TREE_CHANGE_LINE = '/* lifeboat bench: appended line */\n';
/** …and one new file of seeded random bytes at the top of the tree. */
exports.TREE_RANDOM_FILE = 'lifeboat-bench-random.bin';
exports.TREE_RANDOM_BYTES = 20 * exports.MiB;
exports.TREE_RANDOM_SEED = 'lifeboat-bench-tree-v1';
/** The 1%-changed copy: EDITS evenly spread edits that together rewrite 1% of the file. */
exports.CHANGE_FRACTION = 0.01;
exports.CHANGE_EDITS = 100;
/** Every second edit also inserts this many bytes, so a fixed-block chunker would lose alignment. */
exports.CHANGE_INSERT_BYTES = 512;
exports.CHANGE_SEED = 'lifeboat-bench-1pct-v1';
/** Memory-growth streams, fed from a generator so that 4 GiB never touch the disk as input. */
exports.STREAM_SIZES = [1 * exports.GiB, 4 * exports.GiB];
exports.STREAM_SIZES_QUICK = [128 * exports.MiB, 512 * exports.MiB];
exports.STREAM_SEED = 'lifeboat-bench-stream-v1';
/**
 * Cloud streams: the same generated data into S3 (s3rver) and Azure Blob (Azurite) repositories,
 * each beside the local repository. --quick keeps 1 GiB, where a stream has passed through tens
 * of packs and multipart uploads, so that memory held per upload would already show.
 */
exports.CLOUD_STREAM_SIZES = [1 * exports.GiB, 4 * exports.GiB];
exports.CLOUD_STREAM_SIZES_QUICK = [256 * exports.MiB, 1 * exports.GiB];
/** Goals from the performance issue; ratios are Lifeboat / restic on the same data and machine. */
exports.GOALS = {
    fullWallRatio: 0.7,
    incrementalWallRatio: 1.0,
    incrementalGrowthRatio: 1.0,
    restoreWallRatio: 0.8,
    peakRssMiB: 200,
};
/**
 * Goals of the filesystem-backup issue (issue 3), on the Linux source tree: ratios are Lifeboat /
 * restic; repository size is after the first backup, growth after the second.
 */
exports.TREE_GOALS = {
    issue: 3,
    fullWallRatio: 0.7,
    incrementalWallRatio: 1.0,
    incrementalGrowthRatio: 1.0,
    restoreWallRatio: 0.8,
    repoSizeRatio: 1.0,
    peakRssRatio: 1.0,
};
/** The issue the stream goals (GOALS) come from. */
exports.STREAM_GOALS_ISSUE = 2;
/** Runs of the tar and pgbench cases whose medians are reported (memory streams run once). */
exports.DEFAULT_REPEATS = 3;
/** A single timed command that runs longer than this is killed and recorded as failed. */
exports.COMMAND_TIMEOUT_MS = 60 * 60 * 1000;
/** Throwaway secrets for the peers' repositories; the repositories are deleted after each run. */
exports.PEER_PASSWORD = 'lifeboat-bench';
//# sourceMappingURL=config.js.map