// The few libuv functions the addon needs, resolved at run time from the host
// process instead of linked. Node exports libuv, but linking it would need the
// full Node headers (a download) and, on Windows, an import library beyond
// Node-API's; resolving it lets the addon load anywhere Node-API exists and
// report clearly where libuv does not.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zmqnapi::uv {

#ifdef _WIN32
using OsSocket = uintptr_t;
#else
using OsSocket = int;
#endif

// Stable libuv ABI values (uv.h): the handle type enum and poll event bits.
constexpr int kHandleTypePoll = 8;
constexpr int kReadable = 1;

// Every libuv handle starts with `void* data`.
struct Handle {
  void* data;
};

using PollCallback = void (*)(Handle* handle, int status, int events);
using CloseCallback = void (*)(Handle* handle);

struct Api {
  size_t (*handle_size)(int type);
  int (*poll_init_socket)(void* loop, Handle* handle, OsSocket socket);
  int (*poll_start)(Handle* handle, int events, PollCallback callback);
  int (*poll_stop)(Handle* handle);
  void (*close)(Handle* handle, CloseCallback callback);
  void (*ref)(Handle* handle);
  void (*unref)(Handle* handle);
  const char* (*strerror)(int err);
  void* (*default_loop)();
};

/** The host's libuv, or nullptr when the runtime does not export it. */
const Api* Load();

}  // namespace zmqnapi::uv
