#include "uv.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

namespace zmqnapi::uv {

namespace {

void* Find(const char* name) {
#ifdef _WIN32
  // libuv lives in node.exe itself (or libnode.dll for embedders).
  HMODULE host = GetModuleHandleW(nullptr);
  void* symbol = reinterpret_cast<void*>(GetProcAddress(host, name));
  if (symbol == nullptr) {
    HMODULE libnode = GetModuleHandleW(L"libnode.dll");
    if (libnode != nullptr) symbol = reinterpret_cast<void*>(GetProcAddress(libnode, name));
  }
  return symbol;
#else
  return dlsym(RTLD_DEFAULT, name);
#endif
}

template <typename T>
bool Resolve(T& target, const char* name) {
  target = reinterpret_cast<T>(Find(name));
  return target != nullptr;
}

Api LoadApi(bool& ok) {
  Api api{};
  ok = Resolve(api.handle_size, "uv_handle_size") &&
       Resolve(api.poll_init_socket, "uv_poll_init_socket") &&
       Resolve(api.poll_start, "uv_poll_start") && Resolve(api.poll_stop, "uv_poll_stop") &&
       Resolve(api.close, "uv_close") && Resolve(api.ref, "uv_ref") &&
       Resolve(api.unref, "uv_unref") && Resolve(api.strerror, "uv_strerror") &&
       Resolve(api.default_loop, "uv_default_loop");
  return api;
}

}  // namespace

const Api* Load() {
  static bool ok = false;
  static const Api api = LoadApi(ok);
  return ok ? &api : nullptr;
}

}  // namespace zmqnapi::uv
