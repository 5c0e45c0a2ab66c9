// Caps how many malloc arenas glibc gives the process's threads (mallopt M_ARENA_MAX), and fixes
// the size from which blocks are mapped on their own (M_MMAP_THRESHOLD, below).
// glibc gives a thread an arena of its own when it first allocates (and another when its own is
// busy), up to eight per core. Memory freed into an arena serves only the threads using that arena,
// so a backup's worker threads, V8's threads and libuv's pool each kept megabytes of freed buffers
// that no other thread could use. The same setting as the environment variable MALLOC_ARENA_MAX,
// made after start-up (the variable is read once, before main). Built by scripts/build-native.js;
// malloc-arenas.ts does without it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <node_api.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// limit(n): 1 when the cap is set, 0 where the C library has no such setting (not glibc).
static napi_value limit(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1) {
    napi_throw_type_error(env, NULL, "limit(arenas): a whole number of arenas, 1 or more");
    return NULL;
  }
  int done = 0;
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
  done = mallopt(M_ARENA_MAX, n);
#endif
  napi_value result;
  napi_get_boolean(env, done == 1, &result);
  return result;
}

// mmapThreshold(bytes): blocks of this size and more get mappings of their own, returned to the
// system when freed, and the threshold stays there (mallopt M_MMAP_THRESHOLD; glibc otherwise
// raises it to the size of each mapped block freed, up to 32 MiB, and later blocks of that size
// come from the arenas, where freed memory stays). 1 when set, 0 where there is no such setting.
static napi_value mmap_threshold(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t bytes = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &bytes) != napi_ok || bytes < 4096) {
    napi_throw_type_error(env, NULL, "mmapThreshold(bytes): a whole number of bytes, 4096 or more");
    return NULL;
  }
  int done = 0;
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
  done = mallopt(M_MMAP_THRESHOLD, bytes);
#endif
  napi_value result;
  napi_get_boolean(env, done == 1, &result);
  return result;
}

// mappedAfterFree(): whether a 16 MiB block allocated right after a 24 MiB one was freed gets a
// mapping of its own (with glibc's moving threshold it comes from the main arena, grown for it).
// Large enough that no free room in the arena serves it either way. For the tests.
static napi_value mapped_after_free(napi_env env, napi_callback_info info) {
  (void)info;
  int mapped = 0;
#if defined(__GLIBC__) && __GLIBC__ == 2 && __GLIBC_MINOR__ >= 33
  // volatile, and written: a compiler may drop a malloc whose block is never used, and its free.
  char *volatile large = malloc(24 * 1024 * 1024);
  if (large != NULL) large[0] = 1;
  free(large);
  size_t before = mallinfo2().hblkhd;
  char *volatile block = malloc(16 * 1024 * 1024);
  if (block != NULL) block[0] = 1;
  mapped = mallinfo2().hblkhd >= before + 16 * 1024 * 1024;
  free(block);
#endif
  napi_value result;
  napi_get_boolean(env, mapped, &result);
  return result;
}

// count(): the arenas glibc has made so far (malloc_info's heaps), -1 where it cannot tell.
static napi_value count(napi_env env, napi_callback_info info) {
  int arenas = -1;
#if defined(__GLIBC__)
  char *text = NULL;
  size_t length = 0;
  FILE *out = open_memstream(&text, &length);
  if (out != NULL) {
    if (malloc_info(0, out) == 0) {
      fflush(out);
      arenas = 0;
      for (const char *at = text; (at = strstr(at, "<heap nr=")) != NULL; at++) arenas++;
    }
    fclose(out);
    free(text);
  }
#endif
  napi_value result;
  napi_create_int32(env, arenas, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"limit", NULL, limit, NULL, NULL, NULL, napi_default, NULL},
      {"count", NULL, count, NULL, NULL, NULL, napi_default, NULL},
      {"mmapThreshold", NULL, mmap_threshold, NULL, NULL, NULL, napi_default, NULL},
      {"mappedAfterFree", NULL, mapped_after_free, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}
