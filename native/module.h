// Per-environment state (Node-API instance data): one per main thread or worker.
#pragma once

#include <napi.h>
#include <zmq.h>

#include <condition_variable>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "util/uv.h"

namespace zmqnapi {

class Socket;
class Context;
class Proxy;

class Module {
 public:
  /** Allocates nothing that teardown must release: safe before it becomes instance data. */
  explicit Module(Napi::Env env);
  ~Module();
  /**
   * Creates the release queue and registers the teardown hook. Called once the module is
   * the environment's instance data, so that a failure (a worker terminated while it loads
   * the addon) leaves it to the instance-data finalizer.
   */
  void Start();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  static Module& Of(Napi::Env env) { return *env.GetInstanceData<Module>(); }
  /** Instance-data finalizer: frees the module unless libzmq still holds its buffers. */
  static void Finalize(napi_env env, void* data, void* hint);

  Napi::Env env;
  const uv::Api* uv;
  void* loop = nullptr;
  // Large frames are sent without copying only from the main thread: a worker's memory
  // goes away with the worker, possibly while libzmq still queues its messages.
  bool zero_copy_sends = false;
  Napi::FunctionReference context_constructor;
  Napi::FunctionReference socket_constructor;
  // Called with `this` = the native socket when a socket it waits on is ready.
  Napi::FunctionReference ready_handler;

  void Track(Socket* socket) { sockets_.insert(socket); }
  void Untrack(Socket* socket) { sockets_.erase(socket); }
  void Track(Context* context) { contexts_.insert(context); }
  void Untrack(Context* context) { contexts_.erase(context); }
  void Track(Proxy* proxy) { proxies_.insert(proxy); }
  void Untrack(Proxy* proxy) { proxies_.erase(proxy); }
  bool Closing() const { return closing_; }

  /**
   * Initialises `msg` to point at the bytes of `value` without copying: the JS
   * value is kept alive until libzmq releases the message, and that release is
   * handed back to the JS thread.
   */
  void InitZeroCopy(zmq_msg_t* msg, napi_value value, void* data, size_t size, uint32_t track);

  // Called (on the JS thread) with an array of the track ids whose buffers libzmq released.
  Napi::FunctionReference release_handler;

  /** Counts the poll handles of this environment's sockets (open or closing). */
  void HandleOpened() { open_handles_++; }
  void HandleClosed();

 private:
  struct Hold {
    Module* module;
    napi_ref ref;
    uint32_t track;  // 0: nobody tracks this buffer
    size_t size;
  };
  static void FreeHold(void* data, void* hint);
  static void DrainReleases(napi_env env, napi_value, void* context, void*);
  static void Cleanup(napi_async_cleanup_hook_handle handle, void* arg);
  void FinishCleanup();

  std::unordered_set<Socket*> sockets_;
  std::unordered_set<Context*> contexts_;
  std::unordered_set<Proxy*> proxies_;
  bool closing_ = false;
  size_t open_handles_ = 0;
  napi_async_cleanup_hook_handle cleanup_handle_ = nullptr;

  napi_threadsafe_function releaser_ = nullptr;
  std::mutex release_mutex_;
  std::condition_variable release_done_;
  std::vector<Hold> released_;
  // Bytes of the released untracked buffers, and whether the JS thread was told.
  size_t released_bytes_ = 0;
  bool notified_ = false;
  size_t in_flight_ = 0;
};

}  // namespace zmqnapi
