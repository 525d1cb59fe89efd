#include "module.h"

#include <cstring>
#include <vector>

#include "context.h"
#include "proxy.h"
#include "socket.h"

namespace zmqnapi {

Module::Module(Napi::Env env) : env(env), releases(env) {}

Module::~Module() = default;

void Module::Start() {
  loop = CreateEventLoop(env, *this);
  external_frames = ExternalBuffersWork(env);
  zero_copy_sends = loop != nullptr && loop->MainThread();
  releases.Start();
  // libuv's handles close asynchronously: teardown waits for them in an async hook. The
  // watcher thread stops synchronously, and where it runs the async hooks may be broken
  // (Deno's dispatcher and napi_remove_async_cleanup_hook both free the handle: a double
  // free at every exit), so a plain hook serves it.
  if (loop != nullptr && std::strcmp(loop->Name(), "libuv") == 0) {
    NAPI_THROW_IF_FAILED_VOID(
        env, napi_add_async_cleanup_hook(env, AsyncCleanup, this, &cleanup_handle_));
  } else {
    NAPI_THROW_IF_FAILED_VOID(env, napi_add_env_cleanup_hook(env, Cleanup, this));
  }
}

void Module::Finalize(napi_env, void* data, void*) {
  auto* module = static_cast<Module*>(data);
  // A libzmq thread will still release a buffer into the queue: leaking beats a use after
  // free.
  if (!module->releases.InFlight()) delete module;
}

void Module::AsyncCleanup(napi_async_cleanup_hook_handle, void* arg) { Cleanup(arg); }

void Module::Cleanup(void* arg) {
  auto* module = static_cast<Module*>(arg);
  module->closing_ = true;
  // Running proxies use sockets on their own threads: end those threads (which
  // gives the sockets back) before any socket is closed. Stopping untracks.
  std::vector<Proxy*> proxies(module->proxies_.begin(), module->proxies_.end());
  for (Proxy* proxy : proxies) proxy->Stop();
  // Closing a socket untracks it: iterate over a copy.
  std::vector<Socket*> sockets(module->sockets_.begin(), module->sockets_.end());
  // A monitor whose reader closed first blocks libzmq's I/O thread (every socket of the
  // process): stop all monitors before any socket closes.
  for (Socket* socket : sockets) socket->StopMonitor();
  for (Socket* socket : sockets) socket->CloseNative();
  // Every socket is closed: terminating waits at most for their linger.
  std::vector<Context*> contexts(module->contexts_.begin(), module->contexts_.end());
  for (Context* context : contexts) context->Release(true);
  module->releases.Shutdown();
  if (module->loop != nullptr) module->loop->Shutdown();
  if (module->open_handles_ == 0) module->FinishCleanup();
}

void Module::HandleClosed() {
  open_handles_--;
  if (closing_ && open_handles_ == 0) FinishCleanup();
}

void Module::FinishCleanup() {
  if (cleanup_handle_ == nullptr) return;
  napi_async_cleanup_hook_handle handle = cleanup_handle_;
  cleanup_handle_ = nullptr;
  napi_remove_async_cleanup_hook(handle);
}

}  // namespace zmqnapi
