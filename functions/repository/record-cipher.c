// AES-256-GCM for a pack's records, through one OpenSSL context per pack key (record-cipher.ts).
// Node's crypto API makes a new cipher (a new key schedule) per record, and allocates the
// ciphertext, the final block and the tag as three buffers: about 6 us of the main thread's time
// per record, for the 78,600 records of the Linux source tree. Here a record is sealed into a
// buffer the caller owns, with the key set once; and opened the same way (a restore's workers,
// `check --read-data`). The OpenSSL is Node's own: its symbols are resolved in the running node at
// load time, and where they are not, the addon does not load and record-cipher.ts goes through
// Node's crypto instead. Built by scripts/build-native.js.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <string.h>

#include <node_api.h>

#define KEY_BYTES 32
#define NONCE_BYTES 12
#define TAG_BYTES 16

static void release(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  EVP_CIPHER_CTX_free((EVP_CIPHER_CTX *)data);
}

// The bytes of a Buffer (or any typed array) argument; 0 when it is not one.
static int bytes_of(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  size_t count;
  void *base;
  if (napi_get_typedarray_info(env, value, &type, &count, &base, NULL, NULL) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (uint8_t *)base;
  *length = count;
  return 1;
}

// A context with the 32-byte key given as the only argument, for encryption (encrypt = 1) or
// decryption (0), freed when it is collected.
static napi_value context_for(napi_env env, napi_callback_info info, int encrypt, const char *usage) {
  size_t argc = 1;
  napi_value argv[1];
  uint8_t *key;
  size_t key_length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      !bytes_of(env, argv[0], &key, &key_length) || key_length != KEY_BYTES) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (ctx == NULL || EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, NULL, encrypt) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    napi_throw_error(env, NULL, "AES-256-GCM is not available");
    return NULL;
  }
  napi_value result;
  if (napi_create_external(env, ctx, release, NULL, &result) != napi_ok) {
    EVP_CIPHER_CTX_free(ctx);
    return NULL;
  }
  return result;
}

// sealer(key): an encryption context with this key.
static napi_value sealer(napi_env env, napi_callback_info info) {
  return context_for(env, info, 1, "sealer(key): a 32-byte key");
}

// opener(key): a decryption context with this key.
static napi_value opener(napi_env env, napi_callback_info info) {
  return context_for(env, info, 0, "opener(key): a 32-byte key");
}

// The arguments of a call: a context, then `buffers` Buffers (each at most 2 GiB), then an
// offset when `with_offset`.
typedef struct {
  EVP_CIPHER_CTX *cipher;
  uint8_t *data[5];
  size_t length[5];
  int64_t at;
} call_args;

static int args_of(napi_env env, napi_callback_info info, size_t buffers, int with_offset, call_args *args) {
  size_t argc = 7;
  napi_value argv[7];
  void *ctx = NULL;
  size_t wanted = 1 + buffers + (with_offset ? 1 : 0);
  if (buffers > 5 || napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < wanted ||
      napi_get_value_external(env, argv[0], &ctx) != napi_ok || ctx == NULL)
    return 0;
  args->cipher = (EVP_CIPHER_CTX *)ctx;
  for (size_t i = 0; i < buffers; i++)
    if (!bytes_of(env, argv[1 + i], &args->data[i], &args->length[i]) || args->length[i] > INT32_MAX) return 0;
  args->at = 0;
  return !with_offset || napi_get_value_int64(env, argv[1 + buffers], &args->at) == napi_ok;
}

// Whether `length` bytes fit in an output of `room` bytes from byte `at`.
static int fits(int64_t at, size_t room, size_t length) {
  return at >= 0 && (uint64_t)at <= room && room - (size_t)at >= length;
}

// Starts a record: its nonce, then its additional data, in the context's own direction.
static int start_record(EVP_CIPHER_CTX *cipher, const uint8_t *nonce, const uint8_t *aad, size_t aad_length) {
  int n = 0;
  return EVP_CipherInit_ex(cipher, NULL, NULL, NULL, nonce, -1) == 1 &&
         (aad_length == 0 || EVP_CipherUpdate(cipher, NULL, &n, aad, (int)aad_length) == 1);
}

// open(opener, nonce, aad, sealed, out, at): authenticates `sealed` (ciphertext, then the tag) and
// writes its plaintext into `out` from byte `at`; returns the plaintext's length, or -1 when it
// does not authenticate (and then the bytes it took in `out` are zeroed: nothing unauthenticated
// is left for a caller to use by mistake).
static napi_value open_record(napi_env env, napi_callback_info info) {
  call_args args;
  if (!args_of(env, info, 4, 1, &args) || args.length[0] != NONCE_BYTES) {
    napi_throw_type_error(env, NULL, "open(opener, nonce, aad, sealed, out, at)");
    return NULL;
  }
  const uint8_t *nonce = args.data[0], *aad = args.data[1], *sealed = args.data[2];
  size_t aad_length = args.length[1], sealed_length = args.length[2];
  napi_value result;
  if (sealed_length < TAG_BYTES) {
    napi_create_int64(env, -1, &result);
    return result;
  }
  size_t plain_length = sealed_length - TAG_BYTES;
  if (!fits(args.at, args.length[3], plain_length)) {
    napi_throw_range_error(env, NULL, "open: no room in the output for the plaintext");
    return NULL;
  }
  EVP_CIPHER_CTX *cipher = args.cipher;
  uint8_t *target = args.data[3] + args.at;
  uint8_t tag[TAG_BYTES];
  memcpy(tag, sealed + plain_length, TAG_BYTES);
  int plain_n = 0, last = -1;
  int ok = start_record(cipher, nonce, aad, aad_length);
  if (ok && plain_length > 0) ok = EVP_DecryptUpdate(cipher, target, &plain_n, sealed, (int)plain_length) == 1;
  ok = ok && (size_t)plain_n == plain_length &&
       EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, tag) == 1 &&
       EVP_DecryptFinal_ex(cipher, target + plain_length, &last) == 1 && last == 0;
  if (!ok) OPENSSL_cleanse(target, plain_length);
  napi_create_int64(env, ok ? (int64_t)plain_length : -1, &result);
  return result;
}

// seal(sealer, nonce, aad, head, body, out, at): seals the plaintext `head` then `body` (a record's
// codec byte and payload, or an empty head and both in `body`), writing the ciphertext and the tag
// into `out` from byte `at`; returns their length (the plaintext's and 16).
static napi_value seal(napi_env env, napi_callback_info info) {
  call_args args;
  if (!args_of(env, info, 5, 1, &args) || args.length[0] != NONCE_BYTES) {
    napi_throw_type_error(env, NULL, "seal(sealer, nonce, aad, head, body, out, at)");
    return NULL;
  }
  const uint8_t *nonce = args.data[0], *aad = args.data[1], *head = args.data[2], *body = args.data[3];
  size_t aad_length = args.length[1], head_length = args.length[2], body_length = args.length[3];
  size_t plain_length = head_length + body_length;
  if (plain_length > INT32_MAX - TAG_BYTES || !fits(args.at, args.length[4], plain_length + TAG_BYTES)) {
    napi_throw_range_error(env, NULL, "seal: no room in the output for the sealed record");
    return NULL;
  }
  EVP_CIPHER_CTX *cipher = args.cipher;
  uint8_t *target = args.data[4] + args.at;
  int head_n = 0, body_n = 0, last = -1;
  int ok = start_record(cipher, nonce, aad, aad_length);
  if (ok && head_length > 0) ok = EVP_EncryptUpdate(cipher, target, &head_n, head, (int)head_length) == 1;
  if (ok && body_length > 0)
    ok = EVP_EncryptUpdate(cipher, target + head_n, &body_n, body, (int)body_length) == 1;
  // GCM is a stream mode: every byte comes out of its update, and the final adds none.
  ok = ok && (size_t)head_n + (size_t)body_n == plain_length &&
       EVP_EncryptFinal_ex(cipher, target + plain_length, &last) == 1 && last == 0 &&
       EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, target + plain_length) == 1;
  if (!ok) {
    // Nothing half-sealed is left where a caller could mistake it for a record.
    OPENSSL_cleanse(target, plain_length + TAG_BYTES);
    napi_throw_error(env, NULL, "AES-256-GCM sealing failed");
    return NULL;
  }
  napi_value result;
  napi_create_int64(env, (int64_t)(plain_length + TAG_BYTES), &result);
  return result;
}

// begin(sealer, nonce, aad): starts a record sealed in parts (a record bigger than a caller's
// buffer): update() for its plaintext, then end() for the tag.
static napi_value begin(napi_env env, napi_callback_info info) {
  call_args args;
  if (!args_of(env, info, 2, 0, &args) || args.length[0] != NONCE_BYTES) {
    napi_throw_type_error(env, NULL, "begin(sealer, nonce, aad)");
    return NULL;
  }
  if (!start_record(args.cipher, args.data[0], args.data[1], args.length[1])) {
    napi_throw_error(env, NULL, "AES-256-GCM sealing failed");
    return NULL;
  }
  return NULL;
}

// update(sealer, plaintext, out, at): the ciphertext of the next plaintext bytes, into `out` from
// byte `at` (GCM gives as many bytes as it takes); returns their number.
static napi_value update(napi_env env, napi_callback_info info) {
  call_args args;
  if (!args_of(env, info, 2, 1, &args)) {
    napi_throw_type_error(env, NULL, "update(sealer, plaintext, out, at)");
    return NULL;
  }
  size_t length = args.length[0];
  if (!fits(args.at, args.length[1], length)) {
    napi_throw_range_error(env, NULL, "update: no room in the output");
    return NULL;
  }
  int n = 0;
  if (length > 0 && (EVP_EncryptUpdate(args.cipher, args.data[1] + args.at, &n, args.data[0], (int)length) != 1 ||
                     (size_t)n != length)) {
    napi_throw_error(env, NULL, "AES-256-GCM sealing failed");
    return NULL;
  }
  napi_value result;
  napi_create_int64(env, (int64_t)length, &result);
  return result;
}

// end(sealer, tag): finishes the record begun, writing its 16-byte tag into `tag`.
static napi_value end(napi_env env, napi_callback_info info) {
  call_args args;
  if (!args_of(env, info, 1, 0, &args) || args.length[0] != TAG_BYTES) {
    napi_throw_type_error(env, NULL, "end(sealer, tag): a 16-byte tag buffer");
    return NULL;
  }
  uint8_t rest[16];
  int last = -1;
  if (EVP_EncryptFinal_ex(args.cipher, rest, &last) != 1 || last != 0 ||
      EVP_CIPHER_CTX_ctrl(args.cipher, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, args.data[0]) != 1) {
    napi_throw_error(env, NULL, "AES-256-GCM sealing failed");
    return NULL;
  }
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"sealer", NULL, sealer, NULL, NULL, NULL, napi_default, NULL},
      {"seal", NULL, seal, NULL, NULL, NULL, napi_default, NULL},
      {"begin", NULL, begin, NULL, NULL, NULL, napi_default, NULL},
      {"update", NULL, update, NULL, NULL, NULL, napi_default, NULL},
      {"end", NULL, end, NULL, NULL, NULL, napi_default, NULL},
      {"opener", NULL, opener, NULL, NULL, NULL, napi_default, NULL},
      {"open", NULL, open_record, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}
