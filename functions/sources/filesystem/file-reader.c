// The file workers' job (file-worker.ts) on native threads: open a file, read it into a chunk
// window, cut it with FastCDC, name each chunk (HMAC-SHA-256 of its SHA-256), compress it with
// zstd into the lane's ring, and report the file to the main thread (native-file-reader.ts).
//
// Why: a worker thread is a V8 isolate with a Node environment of its own, about 42 MiB resident
// each; the work itself needs its window, its ring and a zstd context (about 12 MiB). The chunk
// boundaries and ids are the repository format's, the same as the workers' (FastCDC-2020 as in
// fastcdc.wat, the id as in ChunkIdHasher); a test backs up one tree both ways and compares.
// OpenSSL, zstd and libuv are Node's own: their symbols are resolved in the running node at load
// time, and where they are not, the addon does not load and the backup uses its workers.
// Built by scripts/build-native.js.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "native-lane.h"

// zstd's stable API, as Node exports it (Node does not ship zstd.h).
typedef struct ZSTD_CCtx_s ZSTD_CCtx;
ZSTD_CCtx *ZSTD_createCCtx(void);
size_t ZSTD_freeCCtx(ZSTD_CCtx *cctx);
size_t ZSTD_CCtx_setParameter(ZSTD_CCtx *cctx, int param, int value);
size_t ZSTD_compress2(ZSTD_CCtx *cctx, void *dst, size_t dstCapacity, const void *src, size_t srcSize);
unsigned ZSTD_isError(size_t code);
#define ZSTD_c_compressionLevel 100

// A file is read this much at a time: the window holds max + this. (The workers read 1 MiB, to
// keep their JavaScript calls few; a read here is only a system call.)
#define READ_BYTES (256 * 1024)
// The window's pages past this are given back to the system after a file that used them: a few
// files of a source tree are larger, and their pages would stay resident to the end otherwise.
#define WINDOW_KEPT (1024 * 1024)
// Payloads up to this size are placed in the ring's first part only; a larger one waits for an
// empty ring and takes it from the start, and the pages past this part are given back once it is
// released. The main thread seals more slowly than the readers encode, so a ring is nearly always
// full: all of it resident otherwise (4 MiB per reader), for no speed.
#define RING_KEPT (1024 * 1024)
// Messages wait for this many before they go to the main thread together (file-worker.ts).
#define POST_MESSAGES 32
#define FLUSH_BYTES (4 * 1024 * 1024)
#define CODEC_NONE 0
#define CODEC_ZSTD 1
// Below this a chunk is stored as it is (codec.ts: worthTrying).
#define COMPRESS_MIN 64

typedef struct job {
  struct job *next;
  double seq;
  int unstated;
  char path[];
} job;

typedef struct {
  uint8_t id[ID_BYTES];
  uint32_t raw_length;
  uint8_t known;
  uint8_t codec;
  uint32_t at;
  uint32_t length;
} chunk_out;

typedef struct {
  int64_t size;
  int64_t mtime_ns;
  int64_t ctime_ns;
  uint32_t mode, uid, gid;
  uint64_t nlink, dev, ino;
} file_stat;

enum message_kind { PARTIAL, DONE, FAILED, HARD_LINK };

typedef struct {
  double seq;
  enum message_kind kind;
  chunk_out *chunks;
  size_t count, capacity;
  uint64_t bytes;
  file_stat st;
  int changed;
  char *code;
  char *text;
} message;

typedef struct {
  message *messages;
  size_t count, capacity;
  uint64_t bytes;
  // Set when the lane cannot go on (out of memory, a zstd failure): the backup fails with it.
  char *fatal;
} batch;

// The ids this lane produced lately, one per slot (chosen by the id's first bytes): a chunk seen
// again is reported as known rather than encoded again. Bounded, unlike the worker's Set of every
// id: a lane's memory must not grow with the tree, and the main thread deduplicates what this
// misses (as it does between lanes).
#define RECENT_IDS 8192
typedef struct {
  uint8_t ids[RECENT_IDS][ID_BYTES];
  uint8_t used[RECENT_IDS];
} recent_ids;

typedef struct {
  lane_base base;  // first: a lane is its base
  fastcdc cdc;
  uint8_t *window;
  size_t window_size, start, end, window_used;

  chunk_ids ids;
  ZSTD_CCtx *zstd;
  recent_ids known;

  // The ring shared with the main thread (a SharedArrayBuffer it holds while the lane lives).
  uint8_t *ring;
  size_t ring_size, head, ring_used;
  // A payload past RING_KEPT was placed since the tail was last given back; one is being placed.
  int ring_tail_used, placing;


  batch *out;
  message *pending;
  int failed;
} lane;

static int grow(void **items, size_t *capacity, size_t size, size_t wanted) {
  if (wanted <= *capacity) return 1;
  size_t next = *capacity ? *capacity * 2 : 8;
  while (next < wanted) next *= 2;
  void *grown = realloc(*items, next * size);
  if (grown == NULL) return 0;
  *items = grown;
  *capacity = next;
  return 1;
}

static void free_batch(batch *b) {
  if (b == NULL) return;
  for (size_t i = 0; i < b->count; i++) {
    free(b->messages[i].chunks);
    free(b->messages[i].code);
    free(b->messages[i].text);
  }
  free(b->messages);
  free(b->fatal);
  free(b);
}

// ---- lane thread: chunking, ids, compression, the ring ----

static batch *current_batch(lane *l) {
  if (l->out == NULL) l->out = calloc(1, sizeof(batch));
  return l->out;
}

static void fail_lane(lane *l, const char *what) {
  if (l->failed) return;
  l->failed = 1;
  batch *b = current_batch(l);
  if (b != NULL && b->fatal == NULL) b->fatal = strdup(what);
}

// Sends the messages gathered so far to the main thread.
static void post(lane *l) {
  batch *b = l->out;
  if (b == NULL || (b->count == 0 && b->fatal == NULL)) return;
  l->out = NULL;
  if (napi_call_threadsafe_function(l->base.report, b, napi_tsfn_blocking) != napi_ok) free_batch(b);
}

static message *new_message(lane *l, double seq) {
  batch *b = current_batch(l);
  if (b == NULL || !grow((void **)&b->messages, &b->capacity, sizeof(message), b->count + 1)) {
    fail_lane(l, "out of memory");
    return NULL;
  }
  message *m = &b->messages[b->count++];
  memset(m, 0, sizeof *m);
  m->seq = seq;
  return m;
}

// The message of the file at hand is complete: the file is done, or its chunks so far go out as
// a message of their own (more follow). The batch goes to the main thread once it is full.
static void end_message(lane *l) {
  if (l->pending == NULL) return;
  batch *b = l->out;
  b->bytes += l->pending->bytes;
  l->pending = NULL;
  if (b->count >= POST_MESSAGES || b->bytes >= FLUSH_BYTES) post(l);
}

static message *pending_message(lane *l, double seq) {
  if (l->pending == NULL) l->pending = new_message(l, seq);
  return l->pending;
}

// 1 when `id` was not among the recent ids (it is now), 0 when it was.
static int remember(recent_ids *r, const uint8_t *id) {
  uint32_t h;
  memcpy(&h, id, sizeof h);  // ids are keyed hashes: any of their bytes are uniform
  h &= RECENT_IDS - 1;
  if (r->used[h] && memcmp(r->ids[h], id, ID_BYTES) == 0) return 0;
  memcpy(r->ids[h], id, ID_BYTES);
  r->used[h] = 1;
  return 1;
}

// Room for `need` bytes in the ring (ring-writer.ts's rules); 0 when the lane is stopping.
static int reserve(lane *l, size_t need, size_t *at, size_t *skipped) {
  for (int waited = 0;; waited = 1) {
    pthread_mutex_lock(&l->base.lock);
    if (l->ring_used == 0) l->head = 0;
    size_t kept = l->ring_size < RING_KEPT ? l->ring_size : RING_KEPT;
    int large = need > kept;
    size_t limit = large ? l->ring_size : kept;
    int wraps = l->head + need > limit;
    size_t skip = wraps && l->head < limit ? limit - l->head : 0;
    if (large ? l->ring_used == 0 : l->ring_used + skip + need <= limit) {
      *at = wraps ? 0 : l->head;
      *skipped = skip;
      l->placing = 1;
      if (large) l->ring_tail_used = 1;
      pthread_mutex_unlock(&l->base.lock);
      return 1;
    }
    if (l->base.stopping) {
      pthread_mutex_unlock(&l->base.lock);
      return 0;
    }
    if (!waited) {
      // What was placed but not yet sent must reach the main thread, or it never gives it back.
      pthread_mutex_unlock(&l->base.lock);
      end_message(l);
      post(l);
      continue;
    }
    pthread_cond_wait(&l->base.room, &l->base.lock);
    pthread_mutex_unlock(&l->base.lock);
  }
}

static int append_chunk(lane *l, double seq, const chunk_out *c) {
  message *m = pending_message(l, seq);
  if (m == NULL || !grow((void **)&m->chunks, &m->capacity, sizeof(chunk_out), m->count + 1)) {
    fail_lane(l, "out of memory");
    return 0;
  }
  m->chunks[m->count++] = *c;
  return 1;
}

static void add_chunk(lane *l, double seq, const uint8_t *data, size_t length) {
  chunk_out c;
  memset(&c, 0, sizeof c);
  c.raw_length = (uint32_t)length;
  if (!chunk_id(&l->ids, data, length, c.id)) {
    fail_lane(l, "SHA-256 failed in Node's OpenSSL");
    return;
  }
  if (!remember(&l->known, c.id)) {
    c.known = 1;
    append_chunk(l, seq, &c);
    return;
  }
  size_t at, skipped;
  if (!reserve(l, 1 + length, &at, &skipped)) {
    fail_lane(l, "stopped");
    return;
  }
  uint8_t *payload = l->ring + at + 1;
  size_t payload_length = length;
  c.codec = CODEC_NONE;
  if (l->zstd != NULL && length >= COMPRESS_MIN) {
    // Room for less than the chunk itself: compression that does not pay fails, and the chunk
    // is stored as it is (codec.ts: choose), with no second buffer for the attempt.
    size_t produced = ZSTD_compress2(l->zstd, payload, length - 1, data, length);
    if (!ZSTD_isError(produced)) {
      c.codec = CODEC_ZSTD;
      payload_length = produced;
    }
  }
  if (c.codec == CODEC_NONE) memcpy(payload, data, length);
  l->ring[at] = c.codec;
  size_t bytes = skipped + 1 + payload_length;
  pthread_mutex_lock(&l->base.lock);
  l->ring_used += bytes;
  l->head = at + 1 + payload_length;
  l->placing = 0;
  pthread_mutex_unlock(&l->base.lock);
  c.at = (uint32_t)at;
  c.length = (uint32_t)(1 + payload_length);
  if (!append_chunk(l, seq, &c)) return;
  l->pending->bytes += bytes;
  if (l->pending->bytes >= FLUSH_BYTES) end_message(l);
}

// Every chunk the window's bytes allow (all of them at the end of the file).
static void cut_window(lane *l, double seq, int eof) {
  while (!l->failed && (l->end - l->start >= l->cdc.max || (eof && l->end > l->start))) {
    size_t n = fastcdc_cut(&l->cdc, l->window + l->start, l->end - l->start);
    add_chunk(l, seq, l->window + l->start, n);
    l->start += n;
  }
}

static void stat_of(const struct stat *st, int64_t size, file_stat *out) {
  out->size = size;
  out->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
  out->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
  out->mode = st->st_mode;
  out->uid = st->st_uid;
  out->gid = st->st_gid;
  out->nlink = st->st_nlink;
  out->dev = st->st_dev;
  out->ino = st->st_ino;
}

// The file could not be read: Node's own words for it ("EACCES: permission denied, open '…'").
static void report_error(lane *l, double seq, int err, const char *syscall, const char *path) {
  message *m = pending_message(l, seq);
  if (m == NULL) return;
  m->kind = FAILED;
  const char *name = err ? uv_err_name(-err) : "ENOTFILE";
  m->code = strdup(name);
  if (err) {
    // Node names the path for an open, not for a read or a stat of the open file.
    m->text = node_error(err, syscall, strcmp(syscall, "open") == 0 ? path : NULL, NULL);
  } else {
    m->text = strdup("no longer a regular file");
  }
  if (m->code == NULL || m->text == NULL) fail_lane(l, "out of memory");
  end_message(l);
}

static void read_file(lane *l, const job *j) {
  int fd = open(j->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    report_error(l, j->seq, errno, "open", j->path);
    return;
  }
  struct stat before, after;
  if (fstat(fd, &before) != 0) {
    report_error(l, j->seq, errno, "fstat", j->path);
    close(fd);
    return;
  }
  if (!S_ISREG(before.st_mode)) {
    report_error(l, j->seq, 0, "", j->path);
    close(fd);
    return;
  }
  if (j->unstated && before.st_nlink > 1) {
    message *m = pending_message(l, j->seq);
    if (m != NULL) {
      m->kind = HARD_LINK;
      stat_of(&before, before.st_size, &m->st);
      end_message(l);
    }
    close(fd);
    return;
  }
  int64_t total = 0;
  l->start = l->end = 0;
  for (;;) {
    if (l->window_size - l->end < READ_BYTES) {
      // Fewer than max bytes are left after a cut: moving them to the front always frees room.
      memmove(l->window, l->window + l->start, l->end - l->start);
      l->end -= l->start;
      l->start = 0;
    }
    ssize_t n = pread(fd, l->window + l->end, READ_BYTES, total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      // Chunks placed so far go with the error and are stored (this lane knows them now).
      l->start = l->end = 0;
      report_error(l, j->seq, errno, "read", j->path);
      close(fd);
      return;
    }
    if (n == 0) break;
    total += n;
    l->end += (size_t)n;
    if (l->end > l->window_used) l->window_used = l->end;
    cut_window(l, j->seq, 0);
    if (l->failed) break;
  }
  cut_window(l, j->seq, 1);
  if (fstat(fd, &after) != 0) {
    report_error(l, j->seq, errno, "fstat", j->path);
    close(fd);
    return;
  }
  close(fd);
  message *m = pending_message(l, j->seq);
  if (m == NULL) return;
  m->kind = DONE;
  stat_of(&after, total, &m->st);
  m->changed = after.st_mtim.tv_sec != before.st_mtim.tv_sec || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
               after.st_ctim.tv_sec != before.st_ctim.tv_sec || after.st_ctim.tv_nsec != before.st_ctim.tv_nsec ||
               after.st_size != before.st_size || total != after.st_size;
  end_message(l);
}

static void post_idle(void *arg) {
  post(arg);  // nothing more at hand: what is done goes out now
}

static void *run(void *arg) {
  lane *l = arg;
  for (job *j; (j = lane_take(&l->base, post_idle, l)) != NULL;) {
    if (!l->failed) read_file(l, j);
    free(j);
    if (l->window_used > WINDOW_KEPT) {
      madvise(l->window + WINDOW_KEPT, l->window_size - WINDOW_KEPT, MADV_DONTNEED);
      l->window_used = 0;
    }
    if (l->failed) post(l);
  }
  return NULL;
}

// ---- main thread: the JavaScript side ----

static napi_value make_stat(napi_env env, const file_stat *st) {
  napi_value o, v;
  napi_create_object(env, &o);
  napi_create_double(env, (double)st->size, &v);
  napi_set_named_property(env, o, "size", v);
  napi_create_bigint_int64(env, st->mtime_ns, &v);
  napi_set_named_property(env, o, "mtimeNs", v);
  napi_create_bigint_int64(env, st->ctime_ns, &v);
  napi_set_named_property(env, o, "ctimeNs", v);
  napi_create_uint32(env, st->mode, &v);
  napi_set_named_property(env, o, "mode", v);
  napi_create_uint32(env, st->uid, &v);
  napi_set_named_property(env, o, "uid", v);
  napi_create_uint32(env, st->gid, &v);
  napi_set_named_property(env, o, "gid", v);
  napi_create_double(env, (double)st->nlink, &v);
  napi_set_named_property(env, o, "nlink", v);
  napi_create_bigint_uint64(env, st->dev, &v);
  napi_set_named_property(env, o, "dev", v);
  napi_create_bigint_uint64(env, st->ino, &v);
  napi_set_named_property(env, o, "ino", v);
  return o;
}

static napi_value make_chunk(napi_env env, const chunk_out *c) {
  napi_value o, v;
  napi_create_object(env, &o);
  napi_create_string_latin1(env, (const char *)c->id, ID_BYTES, &v);
  napi_set_named_property(env, o, "id", v);
  napi_create_uint32(env, c->raw_length, &v);
  napi_set_named_property(env, o, "rawLength", v);
  napi_get_boolean(env, c->known, &v);
  napi_set_named_property(env, o, "known", v);
  napi_create_uint32(env, c->codec, &v);
  napi_set_named_property(env, o, "codec", v);
  if (!c->known) {
    napi_create_uint32(env, c->at, &v);
    napi_set_named_property(env, o, "at", v);
    napi_create_uint32(env, c->length, &v);
    napi_set_named_property(env, o, "length", v);
  }
  return o;
}

// The shape of file-worker.ts's FileChunksMessage.
static napi_value make_message(napi_env env, const message *m) {
  napi_value o, v, chunks;
  napi_create_object(env, &o);
  napi_create_double(env, m->seq, &v);
  napi_set_named_property(env, o, "seq", v);
  napi_create_array_with_length(env, m->count, &chunks);
  for (size_t i = 0; i < m->count; i++) napi_set_element(env, chunks, (uint32_t)i, make_chunk(env, &m->chunks[i]));
  napi_set_named_property(env, o, "chunks", chunks);
  napi_create_double(env, (double)m->bytes, &v);
  napi_set_named_property(env, o, "bytes", v);
  if (m->kind == DONE) {
    napi_value done = make_stat(env, &m->st);
    napi_get_boolean(env, m->changed, &v);
    napi_set_named_property(env, done, "changed", v);
    napi_set_named_property(env, o, "done", done);
  } else if (m->kind == HARD_LINK) {
    napi_set_named_property(env, o, "hardLink", make_stat(env, &m->st));
  } else if (m->kind == FAILED) {
    napi_value error;
    napi_create_object(env, &error);
    napi_create_string_utf8(env, m->code, NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, error, "code", v);
    napi_create_string_utf8(env, m->text, NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, error, "message", v);
    napi_set_named_property(env, o, "error", error);
  }
  return o;
}

// On the main thread: a batch to the lane's callback as (messages, fatal).
static void deliver(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  batch *b = data;
  if (env != NULL && callback != NULL) {
    napi_value list;
    napi_create_array_with_length(env, b->count, &list);
    for (size_t i = 0; i < b->count; i++) napi_set_element(env, list, (uint32_t)i, make_message(env, &b->messages[i]));
    lane_report(env, callback, list, b->fatal);
  }
  free_batch(b);
}

static void free_lane(void *arg) {
  lane *l = arg;
  for (lane_item *j = l->base.first; j != NULL;) {
    lane_item *next = j->next;
    free(j);
    j = next;
  }
  free_batch(l->out);
  if (l->window != NULL) munmap(l->window, l->window_size);
  chunk_ids_free(&l->ids);
  if (l->zstd) ZSTD_freeCCtx(l->zstd);
  lane_destroy(&l->base);
  free(l);
}


static napi_value lane_of(napi_env env, napi_callback_info info, size_t want, napi_value *argv, lane **l) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "expected a file reader lane");
    return NULL;
  }
  if ((*l = lane_handle(env, argv[0])) == NULL) return NULL;
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

// open(setup, ring, callback): a lane and its thread. setup: { inner, outer (64-byte HMAC pads),
// gear (2048 bytes: 256 little-endian u64), min, avg, max, maskS, maskL (bigints), level (0 for
// no compression) }; ring: a Buffer over memory the caller keeps alive until close.
static napi_value open_lane(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  const char *usage = "open(setup, ring, callback)";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  lane *l = lane_alloc(env, sizeof(lane), free_lane);
  if (l == NULL) return NULL;
  uint8_t *inner, *outer;
  uint32_t level;
  if (!named_pads(env, argv[0], &inner, &outer) ||
      !fastcdc_from(env, argv[0], &l->cdc) || !named_u32(env, argv[0], "level", &level) ||
      !bytes_of(env, argv[1], &l->ring, &l->ring_size) || l->ring_size < (size_t)l->cdc.max + 1) {
    free_lane(l);
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  l->window_size = (size_t)l->cdc.max + READ_BYTES;
  // Mapped on its own, page-aligned, so that its tail can be given back (WINDOW_KEPT).
  l->window = mmap(NULL, l->window_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (l->window == MAP_FAILED) l->window = NULL;
  int hashing = chunk_ids_init(&l->ids, inner, outer);
  if (level > 0) {
    l->zstd = ZSTD_createCCtx();
    if (l->zstd != NULL && ZSTD_isError(ZSTD_CCtx_setParameter(l->zstd, ZSTD_c_compressionLevel, (int)level))) {
      ZSTD_freeCCtx(l->zstd);
      l->zstd = NULL;
    }
  }
  if (l->window == NULL || !hashing || (level > 0 && l->zstd == NULL)) {
    free_lane(l);
    napi_throw_error(env, NULL, "cannot set up a file reader lane (memory, SHA-256 or zstd)");
    return NULL;
  }
  return lane_start(env, &l->base, argv[2], "lifeboat file reader", deliver, run);
}

// submit(lane, seq, path, unstated): path is the name's bytes as latin1 characters.
static napi_value submit(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  lane *l;
  napi_value result = lane_of(env, info, 4, argv, &l);
  if (result == NULL) return NULL;
  double seq;
  size_t length;
  bool unstated;
  if (napi_get_value_double(env, argv[1], &seq) != napi_ok ||
      napi_get_value_string_latin1(env, argv[2], NULL, 0, &length) != napi_ok ||
      napi_get_value_bool(env, argv[3], &unstated) != napi_ok) {
    napi_throw_type_error(env, NULL, "submit(lane, seq, path, unstated)");
    return NULL;
  }
  job *j = malloc(sizeof(job) + length + 1);
  if (j == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  napi_get_value_string_latin1(env, argv[2], j->path, length + 1, &length);
  j->seq = seq;
  j->unstated = unstated;
  lane_push(&l->base, j);
  return result;
}

// release(lane, bytes): the main thread is done with that many bytes of the ring.
static napi_value release_bytes(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  lane *l;
  napi_value result = lane_of(env, info, 2, argv, &l);
  if (result == NULL) return NULL;
  double bytes;
  if (napi_get_value_double(env, argv[1], &bytes) != napi_ok || bytes < 0) {
    napi_throw_type_error(env, NULL, "release(lane, bytes)");
    return NULL;
  }
  pthread_mutex_lock(&l->base.lock);
  l->ring_used = (size_t)bytes > l->ring_used ? 0 : l->ring_used - (size_t)bytes;
  if (l->ring_used == 0 && l->ring_tail_used && !l->placing) {
    // Pages wholly past RING_KEPT (the ring itself need not start on a page).
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)l->ring + RING_KEPT + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)l->ring + l->ring_size) & ~(page - 1);
    if (to > from) madvise((void *)from, to - from, MADV_DONTNEED);
    l->ring_tail_used = 0;
  }
  pthread_cond_signal(&l->base.room);
  pthread_mutex_unlock(&l->base.lock);
  return result;
}


static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"open", NULL, open_lane, NULL, NULL, NULL, napi_default, NULL},
      {"submit", NULL, submit, NULL, NULL, NULL, napi_default, NULL},
      {"release", NULL, release_bytes, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, lane_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
