// What the native file reader (file-reader.c), writer (file-writer.c) and checker (file-checker.c)
// share: FastCDC, chunk ids, Node's words for a failed system call, and arguments from JavaScript. Static functions in a
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

#endif
