// Counts the bytes of the regular files below some paths (symbolic links not followed), on one
// of libuv's pool threads, for a backup's progress total. The same walk in JavaScript took
// 0.5-0.7 s of the backup's main thread for the Linux tree; here it takes about 0.1 s of another.
// Built by scripts/build-native.js into tree-size.node beside scan.js; scan.ts walks in
// JavaScript where it is not there.
//
// scan(paths, shared, done): `paths` an array of Buffers (a path's bytes, any name); `shared` an
// Int32Array of 4 over shared memory: [0] is set to non-zero by the caller to stop the walk, and
// the 64-bit integer at byte 8 holds the bytes counted so far, stored atomically after each
// directory; `done(bytes)` is called once, on the main thread, with the bytes counted. Unreadable
// or vanished entries count as nothing, as in scan.ts.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <node_api.h>

typedef struct {
  char **paths;  // roots first, then the directories still to list (a stack)
  size_t count;
  size_t room;
  int32_t *shared;
  int64_t bytes;
  napi_ref shared_ref;
  napi_ref done_ref;
  napi_async_work work;
} scan_t;

static int push(scan_t *scan, char *path) {
  if (scan->count == scan->room) {
    size_t room = scan->room ? scan->room * 2 : 64;
    char **paths = realloc(scan->paths, room * sizeof *paths);
    if (!paths) return 0;
    scan->paths = paths;
    scan->room = room;
  }
  scan->paths[scan->count++] = path;
  return 1;
}

static char *joined(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *path = malloc(a + b + 2);
  if (!path) return NULL;
  memcpy(path, dir, a);
  path[a] = '/';
  memcpy(path + a + 1, name, b + 1);
  return path;
}

static int stopped(scan_t *scan) { return __atomic_load_n(&scan->shared[0], __ATOMIC_RELAXED) != 0; }

static void publish(scan_t *scan) {
  __atomic_store_n((int64_t *)(scan->shared + 2), scan->bytes, __ATOMIC_RELAXED);
}

// Lists one directory: regular files add their size, directories go on the stack.
static void list(scan_t *scan, char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  if (!d) {
    if (fd >= 0) close(fd);
    return;
  }
  struct dirent *e;
  struct stat st;
  while ((e = readdir(d))) {
    const char *n = e->d_name;
    if (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2]))) continue;
    int is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_REG || e->d_type == DT_UNKNOWN) {
      if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (S_ISREG(st.st_mode)) scan->bytes += st.st_size;
      is_dir = S_ISDIR(st.st_mode);
    }
    if (is_dir) {
      char *path = joined(dir, n);
      if (path && !push(scan, path)) free(path);
    }
  }
  closedir(d);
}

static void execute(napi_env env, void *data) {
  (void)env;
  scan_t *scan = data;
  // The roots, in place: a regular file counts itself, a directory stays to be listed.
  size_t roots = scan->count;
  scan->count = 0;
  struct stat st;
  for (size_t i = 0; i < roots; i++) {
    char *root = scan->paths[i];
    int found = lstat(root, &st) == 0;
    if (found && S_ISDIR(st.st_mode)) {
      scan->paths[scan->count++] = root;
      continue;
    }
    if (found && S_ISREG(st.st_mode)) scan->bytes += st.st_size;
    free(root);
  }
  while (scan->count > 0 && !stopped(scan)) {
    char *dir = scan->paths[--scan->count];
    list(scan, dir);
    free(dir);
    publish(scan);
  }
}

static void release(scan_t *scan) {
  while (scan->count > 0) free(scan->paths[--scan->count]);
  free(scan->paths);
  free(scan);
}

static void complete(napi_env env, napi_status status, void *data) {
  scan_t *scan = data;
  napi_value done, global, bytes;
  if (status == napi_ok && napi_get_reference_value(env, scan->done_ref, &done) == napi_ok &&
      napi_get_global(env, &global) == napi_ok && napi_create_double(env, (double)scan->bytes, &bytes) == napi_ok)
    napi_call_function(env, global, done, 1, &bytes, NULL);
  napi_delete_reference(env, scan->done_ref);
  napi_delete_reference(env, scan->shared_ref);
  napi_delete_async_work(env, scan->work);
  release(scan);
}

static napi_value throw_usage(napi_env env) {
  napi_throw_type_error(env, NULL, "scan(paths: Buffer[], shared: Int32Array(4), done: (bytes) => void)");
  return NULL;
}

static napi_value scan_paths(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  bool is_array = false, is_typed = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3 ||
      napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed)
    return throw_usage(env);
  napi_typedarray_type type;
  size_t length;
  void *shared;
  if (napi_get_typedarray_info(env, argv[1], &type, &length, &shared, NULL, NULL) != napi_ok ||
      type != napi_int32_array || length != 4)
    return throw_usage(env);
  napi_valuetype done_type;
  if (napi_typeof(env, argv[2], &done_type) != napi_ok || done_type != napi_function) return throw_usage(env);

  scan_t *scan = calloc(1, sizeof *scan);
  if (!scan) return throw_usage(env);
  scan->shared = shared;
  uint32_t count;
  napi_get_array_length(env, argv[0], &count);
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    bool is_buffer = false;
    void *bytes;
    size_t size;
    if (napi_get_element(env, argv[0], i, &element) != napi_ok ||
        napi_is_buffer(env, element, &is_buffer) != napi_ok || !is_buffer ||
        napi_get_buffer_info(env, element, &bytes, &size) != napi_ok || memchr(bytes, 0, size)) {
      release(scan);
      return throw_usage(env);
    }
    char *path = malloc(size + 1);
    if (!path || !push(scan, path)) {
      free(path);
      release(scan);
      return throw_usage(env);
    }
    memcpy(path, bytes, size);
    path[size] = 0;
  }
  napi_value name;
  napi_create_string_utf8(env, "lifeboat:tree-size", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, argv[1], 1, &scan->shared_ref) != napi_ok ||
      napi_create_reference(env, argv[2], 1, &scan->done_ref) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute, complete, scan, &scan->work) != napi_ok ||
      napi_queue_async_work(env, scan->work) != napi_ok) {
    release(scan);
    return throw_usage(env);
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"scan", NULL, scan_paths, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
