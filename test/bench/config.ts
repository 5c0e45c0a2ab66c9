// Constants of the benchmark. Changing any dataset constant changes the cached file names too, so a
// stale dataset is never mistaken for the new one.

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** Debian's linux-source-6.1 package: 138 MB of xz that decompresses to a ~1.36 GB tar. */
export const LINUX_SOURCE_XZ = '/usr/src/linux-source-6.1.tar.xz';
/** GNU time: the only portable way to get a child's peak RSS together with its CPU times. */
export const GNU_TIME = '/usr/bin/time';

/** pgbench scale: 50 gives ~5 M account rows, ~750 MB in the cluster, ~0.5 GB of plain SQL. */
export const PGBENCH_SCALE = 50;
export const PGBENCH_SCALE_QUICK = 10;
/**
 * The change between the two dumps: TPC-B-like transactions by 2 clients, seeded, as many as 1%
 * of the accounts (scale x 100,000 rows): the "1% changed database" of issue 5.
 */
export const PGBENCH_CLIENTS = 2;
export function pgbenchTransactions(scale: number): number {
  return (scale * 100_000) / 100 / PGBENCH_CLIENTS;
}
export const PGBENCH_SEED = 42;

/** --quick works on a prefix of the tar instead of the whole of it. */
export const QUICK_TAR_BYTES = 200 * MiB;

/** The one top-level directory of linux.tar; the tree dataset is extracted without it. */
export const LINUX_TAR_TOP = 'linux-source-6.1';
/** --quick extracts only these directories of the tree (5,695 files, 122 MiB). */
export const TREE_QUICK_DIRS: readonly string[] = ['drivers/net'];
/** The tree's change: one line appended to the 100th, 200th, … `.c` file in sorted path order… */
export const TREE_CHANGE_EVERY = 100;
export const TREE_CHANGE_LINE = '/* lifeboat bench: appended line */\n';
/** …and one new file of seeded random bytes at the top of the tree. */
export const TREE_RANDOM_FILE = 'lifeboat-bench-random.bin';
export const TREE_RANDOM_BYTES = 20 * MiB;
export const TREE_RANDOM_SEED = 'lifeboat-bench-tree-v1';

/** The 1%-changed copy: EDITS evenly spread edits that together rewrite 1% of the file. */
export const CHANGE_FRACTION = 0.01;
export const CHANGE_EDITS = 100;
/** Every second edit also inserts this many bytes, so a fixed-block chunker would lose alignment. */
export const CHANGE_INSERT_BYTES = 512;
export const CHANGE_SEED = 'lifeboat-bench-1pct-v1';

/** Memory-growth streams, fed from a generator so that 4 GiB never touch the disk as input. */
export const STREAM_SIZES: readonly number[] = [1 * GiB, 4 * GiB];
export const STREAM_SIZES_QUICK: readonly number[] = [128 * MiB, 512 * MiB];
export const STREAM_SEED = 'lifeboat-bench-stream-v1';

/**
 * Cloud streams: the same generated data into S3 (s3rver) and Azure Blob (Azurite) repositories,
 * each beside the local repository. --quick keeps 1 GiB, where a stream has passed through tens
 * of packs and multipart uploads, so that memory held per upload would already show.
 */
export const CLOUD_STREAM_SIZES: readonly number[] = [1 * GiB, 4 * GiB];
export const CLOUD_STREAM_SIZES_QUICK: readonly number[] = [256 * MiB, 1 * GiB];

/** Goals from the performance issue; ratios are Lifeboat / restic on the same data and machine. */
export const GOALS = {
  fullWallRatio: 0.7,
  incrementalWallRatio: 1.0,
  incrementalGrowthRatio: 1.0,
  restoreWallRatio: 0.8,
  peakRssMiB: 200,
} as const;

/**
 * Goals of the filesystem-backup issue (issue 3), on the Linux source tree: ratios are Lifeboat /
 * restic; repository size is after the first backup, growth after the second.
 */
export const TREE_GOALS = {
  issue: 3,
  fullWallRatio: 0.7,
  incrementalWallRatio: 1.0,
  incrementalGrowthRatio: 1.0,
  restoreWallRatio: 0.8,
  repoSizeRatio: 1.0,
  peakRssRatio: 1.0,
} as const;
/** The issue the stream goals (GOALS) come from. */
export const STREAM_GOALS_ISSUE = 2;

/** Runs of the tar and pgbench cases whose medians are reported (memory streams run once). */
export const DEFAULT_REPEATS = 3;

/** A single timed command that runs longer than this is killed and recorded as failed. */
export const COMMAND_TIMEOUT_MS = 60 * 60 * 1000;

/** Throwaway secrets for the peers' repositories; the repositories are deleted after each run. */
export const PEER_PASSWORD = 'lifeboat-bench';
