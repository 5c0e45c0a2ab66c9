// The restore workers' job (restore-worker.ts) on a native thread: take a batch of file pieces and
// the pack ranges that hold their records (restore-batch.ts), open, decode and check every record
// (AES-256-GCM, zstd or gzip, the chunk id), and write the files with their size, mode, owner and
// times; reply with the files finished and the files that failed (native-file-writer.ts).
//
// Why: a worker thread is a V8 isolate with a Node environment of its own, about 20 MiB resident
// each in a restore; the work itself needs a key schedule, a zstd context and two scratch buffers.
// Everything a worker checks is checked here the same way, and the files are created the same way
// (O_EXCL | O_NOFOLLOW, a replacement written beside the old entry and renamed over it). OpenSSL,
// zstd, zlib and libuv are Node's own, resolved in the running node at load time; where they are
// not, the addon does not load and the restore uses its workers. Built by scripts/build-native.js.
#define _GNU_SOURCE  // vasprintf
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "native-lane.h"

// zstd's stable API, as Node exports it (Node does not ship zstd.h).
typedef struct ZSTD_DCtx_s ZSTD_DCtx;
ZSTD_DCtx *ZSTD_createDCtx(void);
size_t ZSTD_freeDCtx(ZSTD_DCtx *dctx);
size_t ZSTD_decompressDCtx(ZSTD_DCtx *dctx, void *dst, size_t dstCapacity, const void *src, size_t srcSize);
unsigned ZSTD_isError(size_t code);
const char *ZSTD_getErrorName(size_t code);

#define KEY_BYTES 32
#define NONCE_BYTES 12
#define TAG_BYTES 16
#define CODEC_NONE 0
#define CODEC_ZSTD 1
#define CODEC_GZIP 2
// Zero chunks met so far are remembered (a sparse file has one or two): later ones are holes at once.
#define ZERO_IDS 16

// restore-batch.ts: Piece, Chunk and PieceFlag.
enum { P_FID, P_FLAGS, P_MODE, P_CHUNKS, P_SIZE, P_FINISH_MODE, P_UID, P_GID, P_MTIME_S, P_MTIME_NS, PIECE_FIELDS };
enum { C_RANGE, C_OFFSET, C_STORED, C_RAW, C_CODEC, CHUNK_FIELDS };
enum { F_STARTS = 1, F_REPLACE = 2, F_ABANDON = 4, F_FINISH = 8, F_OWNER = 16 };

typedef struct {
  const uint8_t *data;  // the caller's, alive until the batch's reply
  size_t length;
  double start;
  uint8_t pack_id[64];
  size_t pack_id_length;
  uint8_t key[KEY_BYTES];
  char *object;
} range;

typedef struct batch {
  struct batch *next;
  double seq;
  double *pieces;
  size_t piece_count;
  double *chunks;
  size_t chunk_count;
  uint8_t *ids;
  char *paths;  // each path's bytes, then a NUL
  range *ranges;
  size_t range_count;
} batch;

typedef struct {
  double fid;
  double bytes;
  char *problem;  // NULL: finished
  int integrity;
} outcome;

typedef struct {
  double seq;
  outcome *outcomes;
  size_t count, capacity;
  char *fatal;
} reply;

typedef struct open_file {
  struct open_file *next;
  double fid;
  int fd;
  double position;
  double end;  // where the last bytes written end: shorter than the size when a hole ends the file
  uint32_t mode;
  char *path;
  char *tmp;
} open_file;

typedef struct failed_fid {
  struct failed_fid *next;
  double fid;
} failed_fid;

typedef struct {
  lane_base base;  // first: a lane is its base
  chunk_ids ids;
  EVP_CIPHER_CTX *cipher;
  uint8_t cipher_key[KEY_BYTES];
  int keyed;
  ZSTD_DCtx *zstd;
  uint8_t *plain, *decoded;
  size_t plain_size, decoded_size;
  uint8_t zero_ids[ZERO_IDS][ID_BYTES];
  int zero_count;
  uint32_t umask;
  uid_t uid;
  gid_t gid;

  open_file *open_files;
  failed_fid *failed;

} lane;

static void free_batch(batch *b) {
  if (b == NULL) return;
  for (size_t i = 0; i < b->range_count; i++) free(b->ranges[i].object);
  free(b->ranges);
  free(b->pieces);
  free(b->chunks);
  free(b->ids);
  free(b->paths);
  free(b);
}

static void free_reply(reply *r) {
  if (r == NULL) return;
  for (size_t i = 0; i < r->count; i++) free(r->outcomes[i].problem);
  free(r->outcomes);
  free(r->fatal);
  free(r);
}

static int add_outcome(reply *r, double fid, double bytes, char *problem, int integrity) {
  if (r->count == r->capacity) {
    size_t capacity = r->capacity ? r->capacity * 2 : 64;
    outcome *grown = realloc(r->outcomes, capacity * sizeof(outcome));
    if (grown == NULL) return 0;
    r->outcomes = grown;
    r->capacity = capacity;
  }
  r->outcomes[r->count++] = (outcome){fid, bytes, problem, integrity};
  return 1;
}

static char *format(const char *pattern, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *pattern, ...) {
  va_list args;
  va_start(args, pattern);
  char *text = NULL;
  if (vasprintf(&text, pattern, args) < 0) text = NULL;
  va_end(args);
  return text;
}

// A failed call as restore-worker.ts reports it: its code, then Node's message (which starts with
// the code again).
static char *call_problem(int err, const char *syscall, const char *path, const char *dest) {
  char *message = node_error(err, syscall, path, dest);
  if (message == NULL) return NULL;
  char *problem = format("%s: %s", uv_err_name(-err), message);
  free(message);
  return problem;
}

static int grow_scratch(uint8_t **buffer, size_t *size, size_t wanted) {
  if (wanted <= *size) return 1;
  size_t next = *size ? *size : 64 * 1024;
  while (next < wanted) next *= 2;
  uint8_t *grown = realloc(*buffer, next);
  if (grown == NULL) return 0;
  *buffer = grown;
  *size = next;
  return 1;
}

// ---- checking a record (verify-record.ts) ----

// NULL when the record holds the chunk; else what is wrong with it (a static or allocated text:
// *allocated says which). `data` and `length` are the chunk's bytes, in one of the lane's buffers.
static const char *check_record(lane *l, const range *r, const uint8_t *id, double offset, const uint8_t *record,
                                size_t stored, size_t raw, uint8_t codec, const uint8_t **data, int *allocated) {
  *allocated = 0;
  if (stored < TAG_BYTES + 1) goto unauthentic;
  size_t plain_length = stored - TAG_BYTES;
  if (!grow_scratch(&l->plain, &l->plain_size, plain_length)) return "out of memory";
  if (!l->keyed || memcmp(l->cipher_key, r->key, KEY_BYTES) != 0) {
    if (EVP_DecryptInit_ex(l->cipher, EVP_aes_256_gcm(), NULL, r->key, NULL) != 1) return "AES-256-GCM is not available";
    memcpy(l->cipher_key, r->key, KEY_BYTES);
    l->keyed = 1;
  }
  // The record's nonce is its offset in the pack; its associated data the pack id and chunk id.
  uint8_t nonce[NONCE_BYTES] = {0};
  uint64_t at = (uint64_t)offset;
  for (int i = 0; i < 8; i++) nonce[i] = (uint8_t)(at >> (56 - 8 * i));
  int n = 0, last = 0;
  int ok = EVP_DecryptInit_ex(l->cipher, NULL, NULL, NULL, nonce) == 1 &&
           EVP_DecryptUpdate(l->cipher, NULL, &n, r->pack_id, (int)r->pack_id_length) == 1 &&
           EVP_DecryptUpdate(l->cipher, NULL, &n, id, ID_BYTES) == 1 &&
           EVP_DecryptUpdate(l->cipher, l->plain, &n, record, (int)plain_length) == 1 &&
           EVP_CIPHER_CTX_ctrl(l->cipher, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, (void *)(record + plain_length)) == 1 &&
           EVP_DecryptFinal_ex(l->cipher, l->plain + plain_length, &last) == 1;
  if (!ok) goto unauthentic;
  if (l->plain[0] != codec) return "record codec differs from the index";
  const uint8_t *payload = l->plain + 1;
  size_t payload_length = plain_length - 1;
  if (codec == CODEC_NONE) {
    if (payload_length != raw) {
      *allocated = 1;
      return format("record does not decompress (decoded %zu bytes, expected %zu)", payload_length, raw);
    }
    *data = payload;
  } else if (codec == CODEC_ZSTD || codec == CODEC_GZIP) {
    if (!grow_scratch(&l->decoded, &l->decoded_size, raw > 0 ? raw : 1)) return "out of memory";
    size_t produced = 0;
    if (codec == CODEC_ZSTD) {
      produced = ZSTD_decompressDCtx(l->zstd, l->decoded, raw, payload, payload_length);
      if (ZSTD_isError(produced)) {
        *allocated = 1;
        return format("record does not decompress (%s)", ZSTD_getErrorName(produced));
      }
    } else {
      z_stream z;
      memset(&z, 0, sizeof z);
      if (inflateInit2(&z, 15 + 16) != Z_OK) return "out of memory";
      z.next_in = (Bytef *)payload;
      z.avail_in = (uInt)payload_length;
      z.next_out = l->decoded;
      z.avail_out = (uInt)raw;
      int status = inflate(&z, Z_FINISH);
      produced = z.total_out;
      inflateEnd(&z);
      if (status != Z_STREAM_END) {
        *allocated = 1;
        return format("record does not decompress (zlib status %d)", status);
      }
    }
    if (produced != raw) {
      *allocated = 1;
      return format("record does not decompress (decoded %zu bytes, expected %zu)", produced, raw);
    }
    *data = l->decoded;
  } else {
    *allocated = 1;
    return format("record does not decompress (unknown codec %u)", codec);
  }
  uint8_t computed[ID_BYTES];
  if (!chunk_id(&l->ids, *data, raw, computed)) return "SHA-256 failed in Node's OpenSSL";
  if (memcmp(computed, id, ID_BYTES) != 0) return "chunk content does not match its id";
  return NULL;
unauthentic:
  *allocated = 1;
  return format("record of chunk %02x%02x%02x%02x%02x%02x%02x%02x does not authenticate", id[0], id[1], id[2],
                id[3], id[4], id[5], id[6], id[7]);
}

// ---- writing files (restore-worker.ts) ----

static open_file *find_open(lane *l, double fid, open_file ***link) {
  open_file **at = &l->open_files;
  while (*at != NULL && (*at)->fid != fid) at = &(*at)->next;
  if (link) *link = at;
  return *at;
}

static int has_failed(lane *l, double fid) {
  for (failed_fid *f = l->failed; f != NULL; f = f->next)
    if (f->fid == fid) return 1;
  return 0;
}

static void close_file(open_file *f) {
  free(f->path);
  free(f->tmp);
  free(f);
}

// The file failed: what was written of it goes, and later pieces of it are dropped.
static void abandon(lane *l, double fid) {
  open_file **link;
  open_file *f = find_open(l, fid, &link);
  failed_fid *mark = malloc(sizeof *mark);
  if (mark != NULL) {
    mark->fid = fid;
    mark->next = l->failed;
    l->failed = mark;
  }
  if (f == NULL) return;
  *link = f->next;
  if (f->fd >= 0) close(f->fd);
  unlink(f->tmp ? f->tmp : f->path);
  close_file(f);
}

static int is_zero(const uint8_t *data, size_t length) {
  for (size_t i = 0; i < length; i++)
    if (data[i] != 0) return 0;
  return 1;
}

static int known_zero(lane *l, const uint8_t *id) {
  for (int i = 0; i < l->zero_count; i++)
    if (memcmp(l->zero_ids[i], id, ID_BYTES) == 0) return 1;
  return 0;
}

static int write_all(int fd, const uint8_t *data, size_t length, off_t position) {
  while (length > 0) {
    ssize_t n = pwrite(fd, data, length, position);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    data += n;
    length -= (size_t)n;
    position += n;
  }
  return 0;
}

// One piece of a file; NULL when done, else the problem (allocated) and whether it is damage.
static char *write_piece(lane *l, const batch *b, const double *p, const char *start_path, size_t first_chunk,
                         int *integrity) {
  double fid = p[P_FID];
  int flags = (int)p[P_FLAGS];
  *integrity = 0;
  open_file *f = find_open(l, fid, NULL);
  if (start_path != NULL) {
    f = calloc(1, sizeof *f);
    if (f == NULL || (f->path = strdup(start_path)) == NULL) {
      free(f);
      return strdup("out of memory");
    }
    if (flags & F_REPLACE) {
      // Written beside the old entry and renamed over it at the end: the old file stays whole
      // until the new one is.
      const char *slash = strrchr(start_path, '/');
      int dir = slash ? (int)(slash - start_path + 1) : 0;
      f->tmp = format("%.*s.lifeboat-%d-%.0f.tmp", dir, start_path, (int)getpid(), fid);
      if (f->tmp == NULL) {
        close_file(f);
        return strdup("out of memory");
      }
    }
    f->fid = fid;
    // Created with its permissions (not setuid/setgid/sticky, which only chmod sets).
    f->mode = (uint32_t)p[P_MODE] & 0777;
    f->fd = open(f->tmp ? f->tmp : f->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, f->mode);
    if (f->fd < 0) {
      char *problem = call_problem(errno, "open", f->tmp ? f->tmp : f->path, NULL);
      close_file(f);
      return problem;
    }
    f->next = l->open_files;
    l->open_files = f;
  }
  if (f == NULL) return strdup("piece of a file that was not started");
  size_t count = (size_t)p[P_CHUNKS];
  for (size_t k = first_chunk; k < first_chunk + count; k++) {
    const double *c = b->chunks + k * CHUNK_FIELDS;
    const uint8_t *id = b->ids + k * ID_BYTES;
    size_t raw = (size_t)c[C_RAW];
    if (known_zero(l, id)) {
      f->position += raw;
      continue;
    }
    const range *r = &b->ranges[(size_t)c[C_RANGE]];
    double offset = c[C_OFFSET];
    size_t stored = (size_t)c[C_STORED];
    // A short read (a truncated pack) leaves the record cut short: it does not authenticate.
    size_t from = (size_t)(offset - r->start);
    if (from > r->length) from = r->length;
    if (stored > r->length - from) stored = r->length - from;
    const uint8_t *data = NULL;
    int allocated;
    const char *wrong =
        check_record(l, r, id, offset, r->data + from, stored, raw, (uint8_t)c[C_CODEC], &data, &allocated);
    if (wrong != NULL) {
      *integrity = 1;
      char *problem = format("%s at offset %.0f: %s", r->object, offset, wrong);
      if (allocated) free((char *)wrong);
      return problem;
    }
    // Runs of zeros (sparse files, disk images) become holes: nothing is written.
    if (is_zero(data, raw)) {
      if (l->zero_count < ZERO_IDS) memcpy(l->zero_ids[l->zero_count++], id, ID_BYTES);
    } else {
      int err = write_all(f->fd, data, raw, (off_t)f->position);
      if (err) return call_problem(err, "write", NULL, NULL);
      f->end = f->position + raw;
    }
    f->position += raw;
  }
  if (!(flags & F_FINISH)) return NULL;
  double size = p[P_SIZE];
  uint32_t mode = (uint32_t)p[P_FINISH_MODE];
  if (f->position != size) {
    *integrity = 1;
    return format("chunks hold %.0f bytes, the file %.0f", f->position, size);
  }
  if (f->end < size && ftruncate(f->fd, (off_t)size) != 0) return call_problem(errno, "ftruncate", NULL, NULL);
  if (flags & F_OWNER) {
    uid_t uid = (uid_t)p[P_UID];
    gid_t gid = (gid_t)p[P_GID];
    if ((uid != l->uid || gid != l->gid) && fchown(f->fd, uid, gid) != 0)
      return call_problem(errno, "fchown", NULL, NULL);
  }
  if (mode != (f->mode & ~l->umask) && fchmod(f->fd, mode) != 0) return call_problem(errno, "fchmod", NULL, NULL);
  // Access and modification times both set to the modification time, as nano-times.c does.
  struct timespec times[2] = {{(time_t)p[P_MTIME_S], (long)p[P_MTIME_NS]}, {(time_t)p[P_MTIME_S], (long)p[P_MTIME_NS]}};
  if (futimens(f->fd, times) != 0) {
    int err = errno;
    return format("%s: %s: cannot set the times of descriptor %d (futimens)", uv_err_name(-err), uv_err_name(-err),
                  f->fd);
  }
  // Closed (and renamed) while still listed as open: if either fails, abandon removes the file.
  int closed = close(f->fd);
  f->fd = -1;
  if (closed != 0) return call_problem(errno, "close", NULL, NULL);
  if (f->tmp && rename(f->tmp, f->path) != 0) return call_problem(errno, "rename", f->tmp, f->path);
  open_file **link;
  find_open(l, fid, &link);
  *link = f->next;
  close_file(f);
  return NULL;
}

static reply *write_batch(lane *l, const batch *b) {
  reply *r = calloc(1, sizeof *r);
  if (r == NULL) return NULL;
  r->seq = b->seq;
  const char *path = b->paths;
  size_t next_chunk = 0;
  for (size_t i = 0; i < b->piece_count; i++) {
    const double *p = b->pieces + i * PIECE_FIELDS;
    double fid = p[P_FID];
    int flags = (int)p[P_FLAGS];
    size_t first_chunk = next_chunk;
    next_chunk += (size_t)p[P_CHUNKS];
    const char *start_path = NULL;
    if (flags & F_STARTS) {
      start_path = path;
      path += strlen(path) + 1;
    }
    if (has_failed(l, fid)) continue;
    if (flags & F_ABANDON) {
      abandon(l, fid);
      continue;
    }
    int integrity;
    char *problem = write_piece(l, b, p, start_path, first_chunk, &integrity);
    if (problem != NULL) {
      abandon(l, fid);
      if (!add_outcome(r, fid, 0, problem, integrity)) {
        free(problem);
        r->fatal = strdup("out of memory");
        break;
      }
    } else if (flags & F_FINISH) {
      if (!add_outcome(r, fid, p[P_SIZE], NULL, 0)) {
        r->fatal = strdup("out of memory");
        break;
      }
    }
  }
  return r;
}

static void *run(void *arg) {
  lane *l = arg;
  for (batch *b; (b = lane_take(&l->base, NULL, NULL)) != NULL;) {
    reply *r = write_batch(l, b);
    if (r == NULL) {
      r = calloc(1, sizeof *r);
      if (r != NULL) r->fatal = strdup("out of memory");
    }
    if (r != NULL) r->seq = b->seq;
    free_batch(b);
    if (r != NULL && napi_call_threadsafe_function(l->base.report, r, napi_tsfn_blocking) != napi_ok) free_reply(r);
  }
  return NULL;
}

// ---- main thread ----

// On the main thread: a reply to the lane's callback as (reply, fatal).
static void deliver(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  reply *r = data;
  if (env != NULL && callback != NULL) {
    napi_value o, v, finished, failed;
    napi_create_object(env, &o);
    napi_create_double(env, r->seq, &v);
    napi_set_named_property(env, o, "seq", v);
    napi_create_array(env, &finished);
    napi_create_array(env, &failed);
    uint32_t done = 0, bad = 0;
    for (size_t i = 0; i < r->count; i++) {
      const outcome *x = &r->outcomes[i];
      napi_value item;
      napi_create_object(env, &item);
      napi_create_double(env, x->fid, &v);
      napi_set_named_property(env, item, "fid", v);
      if (x->problem == NULL) {
        napi_create_double(env, x->bytes, &v);
        napi_set_named_property(env, item, "bytes", v);
        napi_set_element(env, finished, done++, item);
      } else {
        napi_create_string_utf8(env, x->problem, NAPI_AUTO_LENGTH, &v);
        napi_set_named_property(env, item, "problem", v);
        napi_get_boolean(env, x->integrity, &v);
        napi_set_named_property(env, item, "integrity", v);
        napi_set_element(env, failed, bad++, item);
      }
    }
    napi_set_named_property(env, o, "finished", finished);
    napi_set_named_property(env, o, "failed", failed);
    lane_report(env, callback, o, r->fatal);
  }
  free_reply(r);
}

static void free_lane(void *arg) {
  lane *l = arg;
  for (lane_item *b = l->base.first; b != NULL;) {
    lane_item *next = b->next;
    free_batch((batch *)b);
    b = next;
  }
  // Files left open (a restore stopped part-way) are closed, and what was written of them goes.
  while (l->open_files != NULL) abandon(l, l->open_files->fid);
  while (l->failed != NULL) {
    failed_fid *next = l->failed->next;
    free(l->failed);
    l->failed = next;
  }
  chunk_ids_free(&l->ids);
  if (l->cipher) EVP_CIPHER_CTX_free(l->cipher);
  if (l->zstd) ZSTD_freeDCtx(l->zstd);
  free(l->plain);
  free(l->decoded);
  lane_destroy(&l->base);
  free(l);
}



// open(setup, callback): setup { inner, outer (the id key's 64-byte HMAC pads), umask }.
static napi_value open_lane(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  const char *usage = "open({ inner, outer, umask }, callback)";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  lane *l = lane_alloc(env, sizeof(lane), free_lane);
  if (l == NULL) return NULL;
  uint8_t *inner, *outer;
  if (!named_pads(env, argv[0], &inner, &outer) ||
      !named_u32(env, argv[0], "umask", &l->umask)) {
    free_lane(l);
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  int hashing = chunk_ids_init(&l->ids, inner, outer);
  l->cipher = EVP_CIPHER_CTX_new();
  l->zstd = ZSTD_createDCtx();
  l->uid = getuid();
  l->gid = getgid();
  if (!hashing || l->cipher == NULL || l->zstd == NULL) {
    free_lane(l);
    napi_throw_error(env, NULL, "cannot set up a file writer lane (SHA-256, AES-256-GCM or zstd)");
    return NULL;
  }
  return lane_start(env, &l->base, argv[1], "lifeboat file writer", deliver, run);
}

static int copy_typed(napi_env env, napi_value value, void **out, size_t *bytes) {
  uint8_t *data;
  if (!bytes_of(env, value, &data, bytes)) return 0;
  *out = malloc(*bytes ? *bytes : 1);
  if (*out == NULL) return 0;
  memcpy(*out, data, *bytes);
  return 1;
}

// submit(lane, batch): a RestoreBatch (restore-batch.ts). Its pieces, chunks, ids and paths are
// copied; its ranges' data is read in place, and must stay as it is until the batch's reply.
static napi_value submit(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], v;
  const char *usage = "submit(lane, batch)";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  lane *l = lane_handle(env, argv[0]);
  if (l == NULL) return NULL;
  batch *b = calloc(1, sizeof *b);
  size_t bytes, ids_bytes, path_length;
  uint32_t range_count = 0;
  napi_value ranges;
  int ok = b != NULL && napi_get_named_property(env, argv[1], "seq", &v) == napi_ok &&
           napi_get_value_double(env, v, &b->seq) == napi_ok &&
           napi_get_named_property(env, argv[1], "pieces", &v) == napi_ok &&
           copy_typed(env, v, (void **)&b->pieces, &bytes) && ((b->piece_count = bytes / 8 / PIECE_FIELDS), 1) &&
           napi_get_named_property(env, argv[1], "chunks", &v) == napi_ok &&
           copy_typed(env, v, (void **)&b->chunks, &bytes) && ((b->chunk_count = bytes / 8 / CHUNK_FIELDS), 1) &&
           napi_get_named_property(env, argv[1], "ids", &v) == napi_ok && copy_typed(env, v, (void **)&b->ids, &ids_bytes) &&
           ids_bytes == b->chunk_count * ID_BYTES && napi_get_named_property(env, argv[1], "paths", &v) == napi_ok &&
           napi_get_value_string_latin1(env, v, NULL, 0, &path_length) == napi_ok &&
           (b->paths = malloc(path_length + 1)) != NULL &&
           napi_get_value_string_latin1(env, v, b->paths, path_length + 1, &path_length) == napi_ok &&
           napi_get_named_property(env, argv[1], "ranges", &ranges) == napi_ok &&
           napi_get_array_length(env, ranges, &range_count) == napi_ok &&
           (b->ranges = calloc(range_count ? range_count : 1, sizeof(range))) != NULL;
  if (ok) b->range_count = range_count;
  for (uint32_t i = 0; ok && i < range_count; i++) {
    range *r = &b->ranges[i];
    napi_value item;
    uint8_t *data, *pack_id, *key;
    size_t length, pack_id_length, key_length, object_length;
    ok = napi_get_element(env, ranges, i, &item) == napi_ok && named_bytes(env, item, "data", &data, &length) &&
         named_bytes(env, item, "packId", &pack_id, &pack_id_length) && pack_id_length <= sizeof r->pack_id &&
         named_bytes(env, item, "key", &key, &key_length) && key_length == KEY_BYTES &&
         napi_get_named_property(env, item, "start", &v) == napi_ok &&
         napi_get_value_double(env, v, &r->start) == napi_ok &&
         napi_get_named_property(env, item, "object", &v) == napi_ok &&
         napi_get_value_string_utf8(env, v, NULL, 0, &object_length) == napi_ok &&
         (r->object = malloc(object_length + 1)) != NULL &&
         napi_get_value_string_utf8(env, v, r->object, object_length + 1, &object_length) == napi_ok;
    if (!ok) break;
    r->data = data;
    r->length = length;
    memcpy(r->pack_id, pack_id, pack_id_length);
    r->pack_id_length = pack_id_length;
    memcpy(r->key, key, KEY_BYTES);
  }
  // Every chunk names a range the batch has.
  for (size_t k = 0; ok && k < b->chunk_count; k++)
    if ((size_t)b->chunks[k * CHUNK_FIELDS + C_RANGE] >= b->range_count) ok = 0;
  if (!ok) {
    free_batch(b);
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  lane_push(&l->base, b);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}


static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"open", NULL, open_lane, NULL, NULL, NULL, napi_default, NULL},
      {"submit", NULL, submit, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, lane_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
