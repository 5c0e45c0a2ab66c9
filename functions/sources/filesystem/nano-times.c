// Sets an entry's access and modification times to the nanosecond, as a snapshot holds them.
// Node's utimes family cannot: it takes seconds as a double, and libuv cuts them to microseconds.
// Built by scripts/build-native.js into nano-times.node beside nano-times.js; nano-times.ts falls
// back to Node's calls (microseconds) where it is not there.
//
// Both functions return 0, or the errno of the failed call (nano-times.ts makes it an error).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <node_api.h>

// A time given as whole seconds since the epoch and nanoseconds (0 to 999,999,999) in two numbers:
// a double holds every whole second of the next 285 million years, and nanoseconds exactly.
static int time_of(napi_env env, napi_value seconds, napi_value nanos, struct timespec *out) {
  int64_t s;
  int64_t ns;
  if (napi_get_value_int64(env, seconds, &s) != napi_ok) return 0;
  if (napi_get_value_int64(env, nanos, &ns) != napi_ok) return 0;
  if (ns < 0 || ns > 999999999) return 0;
  out->tv_sec = (time_t)s;
  out->tv_nsec = (long)ns;
  return 1;
}

static napi_value result(napi_env env, int error) {
  napi_value value;
  napi_create_int32(env, error, &value);
  return value;
}

static napi_value throw_usage(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

// setFd(fd, seconds, nanos): futimens, atime and mtime both set to the time.
static napi_value set_fd(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd;
  struct timespec times[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3)
    return throw_usage(env, "setFd(fd, seconds, nanos)");
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || !time_of(env, argv[1], argv[2], &times[0]))
    return throw_usage(env, "setFd(fd, seconds, nanos): a descriptor and a time");
  times[1] = times[0];
  return result(env, futimens(fd, times) == 0 ? 0 : errno);
}

// setPath(path, seconds, nanos, noFollow): utimensat from the working directory; the path is a
// Buffer of its bytes (any name), and with noFollow a symbolic link's own times are set.
static napi_value set_path(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  void *data;
  size_t length;
  bool is_buffer = false;
  bool no_follow = false;
  struct timespec times[2];
  char path[PATH_MAX];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4)
    return throw_usage(env, "setPath(path, seconds, nanos, noFollow)");
  if (napi_is_buffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_buffer_info(env, argv[0], &data, &length) != napi_ok ||
      !time_of(env, argv[1], argv[2], &times[0]) ||
      napi_get_value_bool(env, argv[3], &no_follow) != napi_ok)
    return throw_usage(env, "setPath(path, seconds, nanos, noFollow): a Buffer, a time and a boolean");
  if (length == 0 || memchr(data, 0, length) != NULL) return result(env, ENOENT);
  if (length >= sizeof path) return result(env, ENAMETOOLONG);
  memcpy(path, data, length);
  path[length] = 0;
  times[1] = times[0];
  int flags = no_follow ? AT_SYMLINK_NOFOLLOW : 0;
  return result(env, utimensat(AT_FDCWD, path, times, flags) == 0 ? 0 : errno);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"setFd", NULL, set_fd, NULL, NULL, NULL, napi_default, NULL},
      {"setPath", NULL, set_path, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
