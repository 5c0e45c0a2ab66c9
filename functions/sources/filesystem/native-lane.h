// What the native file reader (file-reader.c) and writer (file-writer.c) share: chunk ids, Node's
// words for a failed system call, and the bytes of a typed array argument. Static functions in a
// header (inline: not every addon uses each): each addon is built alone (scripts/build-native.js).
#ifndef LIFEBOAT_NATIVE_LANE_H
#define LIFEBOAT_NATIVE_LANE_H

#include <openssl/evp.h>
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

static inline int named_u32(napi_env env, napi_value object, const char *name, uint32_t *out) {
  napi_value v;
  return napi_get_named_property(env, object, name, &v) == napi_ok && napi_get_value_uint32(env, v, out) == napi_ok;
}

#endif
