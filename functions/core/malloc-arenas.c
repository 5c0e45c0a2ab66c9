// Caps how many malloc arenas glibc gives the process's threads (mallopt M_ARENA_MAX).
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
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}
