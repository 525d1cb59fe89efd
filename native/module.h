// Per-environment state (Node-API instance data): one per main thread or worker. It tracks
// what the environment owns, so that teardown closes it in the order libzmq needs.
#pragma once

#include <napi.h>

#include <memory>
#include <unordered_set>

#include "event_loop.h"
#include "zero_copy.h"

namespace zmqnapi {

class Socket;
class Context;
class Proxy;

class Module {
 public:
  /** Allocates nothing that teardown must release: safe before it becomes instance data. */
  explicit Module(Napi::Env env);
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  static Module& Of(Napi::Env env) { return *env.GetInstanceData<Module>(); }
  /** Instance-data finalizer: frees the module unless libzmq still holds its buffers. */
  static void Finalize(napi_env env, void* data, void* hint);

  /**
   * Creates the event loop integration and the release queue and registers the teardown
   * hook. Called once the module is the environment's instance data, so that a failure (a
   * worker terminated while it loads the addon) leaves it to the instance-data finalizer.
   */
  void Start();

  Napi::Env env;
  /** How sockets wait; nullptr when this runtime offers no way (waiting then throws). */
  std::unique_ptr<EventLoop> loop;
  ReleaseQueue releases;
  // Large frames are sent without copying only from the main thread: a worker's memory
  // goes away with the worker, possibly while libzmq still queues its messages.
  bool zero_copy_sends = false;
  // Received large frames may be external buffers over libzmq's memory (else copies): not
  // on Deno, whose external buffers abort the process at a garbage collection (V8 "Check
  // failed: node->IsInUse()" with 2.9.6).
  bool external_frames = true;
  Napi::FunctionReference context_constructor;
  Napi::FunctionReference socket_constructor;
  // Called with `this` = the native socket when a socket it waits on is ready.
  Napi::FunctionReference ready_handler;
  // The library's error class: every libzmq failure is thrown as one (util/errors.h).
  Napi::FunctionReference error_class;

  void Track(Socket* socket) { sockets_.insert(socket); }
  void Untrack(Socket* socket) { sockets_.erase(socket); }
  void Track(Context* context) { contexts_.insert(context); }
  void Untrack(Context* context) { contexts_.erase(context); }
  void Track(Proxy* proxy) { proxies_.insert(proxy); }
  void Untrack(Proxy* proxy) { proxies_.erase(proxy); }
  bool Closing() const { return closing_; }

  /** Counts the loop handles of this environment's sockets that are not freed yet. */
  void HandleOpened() { open_handles_++; }
  void HandleClosed();

 private:
  static void AsyncCleanup(napi_async_cleanup_hook_handle handle, void* arg);
  static void Cleanup(void* arg);
  void FinishCleanup();

  std::unordered_set<Socket*> sockets_;
  std::unordered_set<Context*> contexts_;
  std::unordered_set<Proxy*> proxies_;
  bool closing_ = false;
  size_t open_handles_ = 0;
  napi_async_cleanup_hook_handle cleanup_handle_ = nullptr;
};

}  // namespace zmqnapi
