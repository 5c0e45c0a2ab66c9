// The read-back workers' job (verify-worker.ts) on a native thread: read each restored file back,
// cut it with the repository's keyed chunker, name each chunk and compare the ids and lengths with
// the ones the snapshot records, in order; reply with what differs per file (native-file-checker.ts).
// The same findings in the same words as the workers (restore-writers.test.ts compares the two),
// without an isolate per thread. Built by scripts/build-native.js.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "native-lane.h"

#define READ_BYTES (256 * 1024)

typedef struct {
  char *path;
  double size;
  uint8_t *ids;  // ID_BYTES per chunk
  double *lengths;
  size_t count;
} expected_file;

typedef struct batch {
  struct batch *next;
  double seq;
  expected_file *files;
  size_t count;
} batch;

typedef struct {
  double seq;
  char **problems;  // per file: NULL when it holds exactly its chunks
  size_t count;
  char *fatal;
} reply;

typedef struct {
  lane_base base;  // first: a lane is its base
  chunk_ids ids;
  fastcdc cdc;
  uint8_t *window;
  size_t window_size;

} lane;

static void free_batch(batch *b) {
  if (b == NULL) return;
  for (size_t i = 0; i < b->count; i++) {
    free(b->files[i].path);
    free(b->files[i].ids);
    free(b->files[i].lengths);
  }
  free(b->files);
  free(b);
}

static void free_reply(reply *r) {
  if (r == NULL) return;
  for (size_t i = 0; i < r->count; i++) free(r->problems[i]);
  free(r->problems);
  free(r->fatal);
  free(r);
}

static char *text(const char *pattern, long long a, long long b) {
  char buffer[160];
  snprintf(buffer, sizeof buffer, pattern, a, b);
  return strdup(buffer);
}

// Compares the next chunk with the one expected at *index; NULL when it is that chunk.
static char *check_chunk(lane *l, const expected_file *f, size_t *index, const uint8_t *data, size_t length) {
  if (*index >= f->count) return text("longer than the backed-up file (extra data at chunk %lld)", (long long)*index, 0);
  uint8_t id[ID_BYTES];
  if (!chunk_id(&l->ids, data, length, id)) return strdup("cannot be read back (SHA-256 failed)");
  if (memcmp(id, f->ids + *index * ID_BYTES, ID_BYTES) != 0 || (double)length != f->lengths[*index])
    return text("content differs from the backup (chunk %lld)", (long long)*index, 0);
  (*index)++;
  return NULL;
}

static char *read_error(int err) {
  char buffer[96];
  snprintf(buffer, sizeof buffer, "cannot be read back (%s)", uv_err_name(-err));
  return strdup(buffer);
}

// What differs between the file and what the snapshot says it holds; NULL when nothing does.
static char *compare(lane *l, const expected_file *f) {
  // Not following a link, not blocking on a FIFO: either is "not a regular file" below.
  int fd = open(f->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return strdup("missing");
    if (errno == ELOOP) return strdup("not a regular file");
    return read_error(errno);
  }
  char *problem = NULL;
  struct stat st;
  size_t index = 0;
  if (fstat(fd, &st) != 0) {
    problem = read_error(errno);
  } else if (!S_ISREG(st.st_mode)) {
    problem = strdup("not a regular file");
  } else if ((double)st.st_size != f->size) {
    problem = text("size differs (%lld bytes, backup %lld)", (long long)st.st_size, (long long)f->size);
  } else {
    // Read to the end even so: a file that grew since the stat has more than its size. A file no
    // longer than the smallest chunk is one chunk, as the workers read it (at most min + 1 bytes).
    int small = f->size <= l->cdc.min;
    size_t start = 0, end = 0;
    off_t position = 0;
    for (;;) {
      if (l->window_size - end < READ_BYTES) {
        memmove(l->window, l->window + start, end - start);
        end -= start;
        start = 0;
      }
      size_t want = small ? l->cdc.min + 1 - end : READ_BYTES;
      if (want == 0) break;
      ssize_t n = pread(fd, l->window + end, want, position);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        problem = read_error(errno);
        break;
      }
      if (n == 0) break;
      position += n;
      end += (size_t)n;
      while (!small && problem == NULL && end - start >= l->cdc.max) {
        size_t cut = fastcdc_cut(&l->cdc, l->window + start, end - start);
        problem = check_chunk(l, f, &index, l->window + start, cut);
        start += cut;
      }
      if (problem != NULL) break;
    }
    if (problem == NULL && small && end > 0) problem = check_chunk(l, f, &index, l->window, end);
    while (problem == NULL && !small && end > start) {
      size_t cut = fastcdc_cut(&l->cdc, l->window + start, end - start);
      problem = check_chunk(l, f, &index, l->window + start, cut);
      start += cut;
    }
    if (problem == NULL && index < f->count) problem = strdup("shorter than the backed-up file");
  }
  close(fd);
  return problem;
}

static void *run(void *arg) {
  lane *l = arg;
  for (batch *b; (b = lane_take(&l->base, NULL, NULL)) != NULL;) {
    reply *r = calloc(1, sizeof *r);
    if (r != NULL) {
      r->seq = b->seq;
      r->problems = calloc(b->count ? b->count : 1, sizeof(char *));
      if (r->problems == NULL) {
        r->fatal = strdup("out of memory");
      } else {
        r->count = b->count;
        for (size_t i = 0; i < b->count; i++) r->problems[i] = compare(l, &b->files[i]);
      }
    }
    free_batch(b);
    if (r != NULL && napi_call_threadsafe_function(l->base.report, r, napi_tsfn_blocking) != napi_ok) free_reply(r);
  }
  return NULL;
}

// On the main thread: a reply to the lane's callback as (reply, fatal).
static void deliver(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  reply *r = data;
  if (env != NULL && callback != NULL) {
    napi_value o, v, problems, nothing;
    napi_get_null(env, &nothing);
    napi_create_object(env, &o);
    napi_create_double(env, r->seq, &v);
    napi_set_named_property(env, o, "seq", v);
    napi_create_array_with_length(env, r->count, &problems);
    for (size_t i = 0; i < r->count; i++) {
      if (r->problems[i] == NULL)
        v = nothing;
      else
        napi_create_string_utf8(env, r->problems[i], NAPI_AUTO_LENGTH, &v);
      napi_set_element(env, problems, (uint32_t)i, v);
    }
    napi_set_named_property(env, o, "problems", problems);
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
  chunk_ids_free(&l->ids);
  free(l->window);
  lane_destroy(&l->base);
  free(l);
}



// open(setup, callback): setup { inner, outer (the id key's HMAC pads), gear, min, avg, max,
// maskS, maskL } (native-lane.h's fastcdc_from).
static napi_value open_lane(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  const char *usage = "open({ inner, outer, gear, min, avg, max, maskS, maskL }, callback)";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  lane *l = lane_alloc(env, sizeof(lane), free_lane);
  if (l == NULL) return NULL;
  uint8_t *inner, *outer;
  if (!named_pads(env, argv[0], &inner, &outer) ||
      !fastcdc_from(env, argv[0], &l->cdc)) {
    free_lane(l);
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  int hashing = chunk_ids_init(&l->ids, inner, outer);
  l->window_size = (size_t)l->cdc.max + READ_BYTES;
  l->window = malloc(l->window_size);
  if (!hashing || l->window == NULL) {
    free_lane(l);
    napi_throw_error(env, NULL, "cannot set up a file checker lane (memory or SHA-256)");
    return NULL;
  }
  return lane_start(env, &l->base, argv[1], "lifeboat file checker", deliver, run);
}

static int copy_file(napi_env env, napi_value item, expected_file *f) {
  napi_value v, lengths;
  uint8_t *path, *ids;
  size_t path_length, ids_length;
  uint32_t count = 0;
  if (!named_bytes(env, item, "path", &path, &path_length) || !named_bytes(env, item, "ids", &ids, &ids_length) ||
      napi_get_named_property(env, item, "size", &v) != napi_ok || napi_get_value_double(env, v, &f->size) != napi_ok ||
      napi_get_named_property(env, item, "lengths", &lengths) != napi_ok ||
      napi_get_array_length(env, lengths, &count) != napi_ok || ids_length != (size_t)count * ID_BYTES ||
      memchr(path, 0, path_length) != NULL)
    return 0;
  f->count = count;
  f->path = malloc(path_length + 1);
  f->ids = malloc(ids_length ? ids_length : 1);
  f->lengths = malloc((count ? count : 1) * sizeof(double));
  if (f->path == NULL || f->ids == NULL || f->lengths == NULL) return 0;
  memcpy(f->path, path, path_length);
  f->path[path_length] = 0;
  memcpy(f->ids, ids, ids_length);
  for (uint32_t i = 0; i < count; i++)
    if (napi_get_element(env, lengths, i, &v) != napi_ok || napi_get_value_double(env, v, &f->lengths[i]) != napi_ok)
      return 0;
  return 1;
}

// submit(lane, batch): a VerifyBatch (verify-worker.ts); everything of it is copied.
static napi_value submit(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], v, files;
  const char *usage = "submit(lane, { seq, files: [{ path, size, ids, lengths }] })";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  lane *l = lane_handle(env, argv[0]);
  if (l == NULL) return NULL;
  batch *b = calloc(1, sizeof *b);
  uint32_t count = 0;
  int ok = b != NULL && napi_get_named_property(env, argv[1], "seq", &v) == napi_ok &&
           napi_get_value_double(env, v, &b->seq) == napi_ok &&
           napi_get_named_property(env, argv[1], "files", &files) == napi_ok &&
           napi_get_array_length(env, files, &count) == napi_ok &&
           (b->files = calloc(count ? count : 1, sizeof(expected_file))) != NULL;
  if (ok) b->count = count;
  for (uint32_t i = 0; ok && i < count; i++) {
    napi_value item;
    ok = napi_get_element(env, files, i, &item) == napi_ok && copy_file(env, item, &b->files[i]);
  }
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
