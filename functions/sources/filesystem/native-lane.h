// What the native file reader (file-reader.c), writer (file-writer.c) and checker (file-checker.c)
// share: FastCDC, chunk ids, Node's words for a failed system call, arguments from JavaScript, and
// the lane (its thread, queue and report function). Static inline functions in a header, not every
// addon using each: each addon is built alone (scripts/build-native.js).
#ifndef LIFEBOAT_NATIVE_LANE_H
#define LIFEBOAT_NATIVE_LANE_H

#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <node_api.h>
#include <uv.h>

#define ID_BYTES 32
#define PAD_BYTES 64

// HMAC-SHA-256 under the id key, over the chunk's SHA-256 (ChunkIdHasher in crypto.ts), with the
// key's pads made once by the caller (padsOf).
typedef struct {
  EVP_MD_CTX *md;
  EVP_MD *sha256;
  uint8_t inner[PAD_BYTES + ID_BYTES], outer[PAD_BYTES + ID_BYTES];
} chunk_ids;

static inline int chunk_ids_init(chunk_ids *ids, const uint8_t *inner, const uint8_t *outer) {
  memcpy(ids->inner, inner, PAD_BYTES);
  memcpy(ids->outer, outer, PAD_BYTES);
  ids->md = EVP_MD_CTX_new();
  ids->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);  // once: EVP_sha256() is fetched again per use
  return ids->md != NULL && ids->sha256 != NULL;
}

static inline void chunk_ids_free(chunk_ids *ids) {
  if (ids->md) EVP_MD_CTX_free(ids->md);
  if (ids->sha256) EVP_MD_free(ids->sha256);
}

static inline int sha256_of(chunk_ids *ids, const uint8_t *data, size_t length, uint8_t *out) {
  return EVP_DigestInit_ex2(ids->md, ids->sha256, NULL) == 1 && EVP_DigestUpdate(ids->md, data, length) == 1 &&
         EVP_DigestFinal_ex(ids->md, out, NULL) == 1;
}

static inline int chunk_id(chunk_ids *ids, const uint8_t *data, size_t length, uint8_t *id) {
  return sha256_of(ids, data, length, ids->inner + PAD_BYTES) &&
         sha256_of(ids, ids->inner, sizeof ids->inner, ids->outer + PAD_BYTES) &&
         sha256_of(ids, ids->outer, sizeof ids->outer, id);
}

// Node's message for a failed fs call: "EACCES: permission denied, open '/x'" (the path only where
// Node names one); NULL when out of memory. The caller frees it.
static inline char *node_error(int err, const char *syscall, const char *path, const char *dest) {
  const char *name = uv_err_name(-err), *why = uv_strerror(-err);
  size_t size = strlen(name) + strlen(why) + strlen(syscall) + (path ? strlen(path) : 0) + (dest ? strlen(dest) : 0) + 16;
  char *text = malloc(size);
  if (text == NULL) return NULL;
  if (path && dest)
    snprintf(text, size, "%s: %s, %s '%s' -> '%s'", name, why, syscall, path, dest);
  else if (path)
    snprintf(text, size, "%s: %s, %s '%s'", name, why, syscall, path);
  else
    snprintf(text, size, "%s: %s, %s", name, why, syscall);
  return text;
}

// The bytes of a typed array argument (any kind), or 0 when it is not one.
static inline int bytes_of(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  size_t count;
  void *base;
  if (napi_get_typedarray_info(env, value, &type, &count, &base, NULL, NULL) != napi_ok) return 0;
  size_t size = type == napi_float64_array || type == napi_bigint64_array || type == napi_biguint64_array ? 8
                : type == napi_int32_array || type == napi_uint32_array || type == napi_float32_array ? 4
                : type == napi_int16_array || type == napi_uint16_array                                  ? 2
                                                                                                         : 1;
  *data = base;
  *length = count * size;
  return 1;
}

static inline int named_bytes(napi_env env, napi_value object, const char *name, uint8_t **data, size_t *length) {
  napi_value v;
  return napi_get_named_property(env, object, name, &v) == napi_ok && bytes_of(env, v, data, length);
}

// The id key's HMAC pads from setup { inner, outer }, 64 bytes each; 0 when either is missing.
static inline int named_pads(napi_env env, napi_value setup, uint8_t **inner, uint8_t **outer) {
  size_t inner_length, outer_length;
  return named_bytes(env, setup, "inner", inner, &inner_length) && inner_length == PAD_BYTES &&
         named_bytes(env, setup, "outer", outer, &outer_length) && outer_length == PAD_BYTES;
}

// Calls a lane's JavaScript callback (main thread) as (value, fatal): fatal undefined unless the
// thread cannot go on. The callback catches its own errors (nativeReport, native-batch-lane.ts).
static inline void lane_report(napi_env env, napi_value callback, napi_value value, const char *fatal) {
  napi_value argv[2], undefined;
  napi_get_undefined(env, &undefined);
  argv[0] = value;
  if (fatal != NULL)
    napi_create_string_utf8(env, fatal, NAPI_AUTO_LENGTH, &argv[1]);
  else
    argv[1] = undefined;
  napi_call_function(env, undefined, callback, 2, argv, NULL);
}

static inline int named_u32(napi_env env, napi_value object, const char *name, uint32_t *out) {
  napi_value v;
  return napi_get_named_property(env, object, name, &v) == napi_ok && napi_get_value_uint32(env, v, out) == napi_ok;
}

static inline int named_u64(napi_env env, napi_value object, const char *name, uint64_t *out) {
  napi_value v;
  bool lossless;
  return napi_get_named_property(env, object, name, &v) == napi_ok &&
         napi_get_value_bigint_uint64(env, v, out, &lossless) == napi_ok && lossless;
}

// FastCDC-2020 as fastcdc.wat cuts (the repository format): GEAR and GEAR << 1, sizes and masks.
typedef struct {
  uint64_t gear[256], gear_ls[256];
  uint32_t min, avg, max;
  uint64_t mask_s, mask_l;
} fastcdc;

// From { gear (2048 bytes: 256 u64 in memory order, as the wasm chunker reads them), min, avg, max,
// maskS, maskL (bigints) }; 0 when any is missing or the sizes are out of order.
static inline int fastcdc_from(napi_env env, napi_value setup, fastcdc *cdc) {
  uint8_t *gear;
  size_t gear_length;
  if (!named_bytes(env, setup, "gear", &gear, &gear_length) || gear_length != sizeof cdc->gear ||
      !named_u32(env, setup, "min", &cdc->min) || !named_u32(env, setup, "avg", &cdc->avg) ||
      !named_u32(env, setup, "max", &cdc->max) || !named_u64(env, setup, "maskS", &cdc->mask_s) ||
      !named_u64(env, setup, "maskL", &cdc->mask_l) || cdc->min >= cdc->avg || cdc->avg >= cdc->max)
    return 0;
  memcpy(cdc->gear, gear, sizeof cdc->gear);
  for (int i = 0; i < 256; i++) cdc->gear_ls[i] = cdc->gear[i] << 1;
  return 1;
}

// Rolls the gear hash two bytes a step from p to end (fastcdc.wat's $scan); the cut's offset, or
// end when there is none.
static inline size_t fastcdc_scan(const fastcdc *cdc, const uint8_t *src, size_t p, size_t end, uint64_t mask,
                                  uint64_t *hash) {
  uint64_t h = *hash;
  uint64_t mask_ls = mask << 1;
  for (; p < end; p += 2) {
    h = (h << 2) + cdc->gear_ls[src[p]];
    if ((h & mask_ls) == 0) {
      *hash = h;
      return p;
    }
    h += cdc->gear[src[p + 1]];
    if ((h & mask) == 0) {
      *hash = h;
      return p + 1;
    }
  }
  *hash = h;
  return end;
}

// The length of the first chunk of the `length` bytes at src (fastcdc.wat's cut). The reference
// loops over pairs from floor(min/2): rounding the bounds down to even offsets reproduces it.
static inline size_t fastcdc_cut(const fastcdc *cdc, const uint8_t *src, size_t length) {
  if (length <= cdc->min) return length;
  size_t center = cdc->avg;
  if (length > cdc->max)
    length = cdc->max;
  else if (length < center)
    center = length;
  uint64_t hash = 0;
  size_t end = center & ~(size_t)1;
  size_t p = fastcdc_scan(cdc, src, cdc->min & ~(size_t)1, end, cdc->mask_s, &hash);
  if (p < end) return p;
  end = length & ~(size_t)1;
  p = fastcdc_scan(cdc, src, p, end, cdc->mask_l, &hash);
  return p < end ? p : length;
}

// A lane: one native thread, the queue it takes its work from (items whose first member is their
// `next`), and the function that reports to the main thread. The first member of each addon's
// lane, so that a pointer to either is a pointer to both.
typedef struct lane_item {
  struct lane_item *next;
} lane_item;

typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t ready, room;  // work queued; room freed (a reader's ring)
  lane_item *first, *last;
  int stopping;
  pthread_t thread;
  napi_threadsafe_function report;
  void (*discard)(void *);  // frees the whole lane
} lane_base;

// A zeroed lane of `size` bytes (its base first), freed by `discard`; NULL with an exception thrown.
static inline void *lane_alloc(napi_env env, size_t size, void (*discard)(void *)) {
  lane_base *b = calloc(1, size);
  if (b == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&b->lock, NULL);
  pthread_cond_init(&b->ready, NULL);
  pthread_cond_init(&b->room, NULL);
  b->discard = discard;
  return b;
}

static inline void lane_destroy(lane_base *b) {
  pthread_mutex_destroy(&b->lock);
  pthread_cond_destroy(&b->ready);
  pthread_cond_destroy(&b->room);
}

// Queues `item` for the lane's thread (main thread).
static inline void lane_push(lane_base *b, void *item) {
  lane_item *it = item;
  it->next = NULL;
  pthread_mutex_lock(&b->lock);
  if (b->last)
    b->last->next = it;
  else
    b->first = it;
  b->last = it;
  pthread_cond_signal(&b->ready);
  pthread_mutex_unlock(&b->lock);
}

// The next item (lane thread), or NULL once the lane stops; `idle` runs, unlocked, when nothing
// is at hand, before the thread waits.
static inline void *lane_take(lane_base *b, void (*idle)(void *), void *arg) {
  pthread_mutex_lock(&b->lock);
  if (b->first == NULL && !b->stopping && idle != NULL) {
    pthread_mutex_unlock(&b->lock);
    idle(arg);
    pthread_mutex_lock(&b->lock);
  }
  while (b->first == NULL && !b->stopping) pthread_cond_wait(&b->ready, &b->lock);
  lane_item *it = b->stopping ? NULL : b->first;
  if (it != NULL) {
    b->first = it->next;
    if (b->first == NULL) b->last = NULL;
  }
  pthread_mutex_unlock(&b->lock);
  return it;
}

// Once the report function is gone (after close): nothing refers to the lane any more.
static inline void lane_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  lane_base *b = data;
  b->discard(b);
}

// Starts the lane's report function and thread; the lane's handle for JavaScript, or NULL with an
// exception thrown (and the lane freed).
static inline napi_value lane_start(napi_env env, lane_base *b, napi_value callback, const char *name,
                                    napi_threadsafe_function_call_js deliver, void *(*run)(void *)) {
  napi_value title, handle;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &title);
  if (napi_create_threadsafe_function(env, callback, NULL, title, 0, 1, b, lane_finalize, NULL, deliver,
                                      &b->report) != napi_ok) {
    b->discard(b);
    napi_throw_error(env, NULL, "cannot set up a native lane (its report function)");
    return NULL;
  }
  if (pthread_create(&b->thread, NULL, run, b) != 0) {
    napi_release_threadsafe_function(b->report, napi_tsfn_abort);  // its finalizer frees the lane
    napi_throw_error(env, NULL, "cannot start a native lane's thread");
    return NULL;
  }
  napi_create_external(env, b, NULL, NULL, &handle);
  return handle;
}

// Stops the lane's thread after the work at hand and drops its report function (main thread).
static inline void lane_stop(lane_base *b) {
  pthread_mutex_lock(&b->lock);
  int stopped = b->stopping;
  b->stopping = 1;
  pthread_cond_broadcast(&b->ready);
  pthread_cond_broadcast(&b->room);
  pthread_mutex_unlock(&b->lock);
  if (stopped) return;
  pthread_join(b->thread, NULL);
  napi_release_threadsafe_function(b->report, napi_tsfn_abort);
}

// close(lane), the same in every addon: stops the thread after the work at hand; what it has not
// reported is dropped (each addon's discard says what else goes).
static inline napi_value lane_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], undefined;
  void *data = NULL;
  napi_get_undefined(env, &undefined);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "close(lane)");
    return NULL;
  }
  lane_stop(data);
  return undefined;
}

// The lane behind a handle from lane_start, or NULL with an exception thrown.
static inline void *lane_handle(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "expected a native lane");
    return NULL;
  }
  return data;
}

#endif
