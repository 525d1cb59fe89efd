#include "module.h"

#include <chrono>

#include "context.h"
#include "proxy.h"
#include "socket.h"

namespace zmqnapi {

namespace {
// How long environment teardown waits for libzmq to release zero-copy buffers
// (whose memory belongs to the ending environment) after its sockets closed.
constexpr auto kReleaseWait = std::chrono::seconds(10);
// Releases of untracked buffers wake the JS thread once this many, or this many bytes,
// are waiting: one wake-up per release would cost a system call on the I/O thread and
// a context switch per large message. Buffers below both limits may stay referenced
// until the next release: at most 1 MiB of them.
constexpr size_t kReleaseBatch = 32;
constexpr size_t kReleaseBytes = 1024 * 1024;
}  // namespace

Module::Module(Napi::Env env) : env(env), uv(uv::Load()) {
  if (uv != nullptr) {
    uv_loop_s* loop_ptr = nullptr;
    if (napi_get_uv_event_loop(env, &loop_ptr) != napi_ok) uv = nullptr;
    loop = loop_ptr;
    zero_copy_sends = uv != nullptr && loop == uv->default_loop();
  }
}

void Module::Start() {
  napi_value name = Napi::String::New(env, "zeromq-napi:release");
  NAPI_THROW_IF_FAILED_VOID(
      env, napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr,
                                           this, DrainReleases, &releaser_));
  // Pending releases alone must not keep the process alive.
  napi_unref_threadsafe_function(env, releaser_);
  NAPI_THROW_IF_FAILED_VOID(env, napi_add_async_cleanup_hook(env, Cleanup, this, &cleanup_handle_));
}

Module::~Module() = default;

void Module::Finalize(napi_env, void* data, void*) {
  auto* module = static_cast<Module*>(data);
  bool in_flight;
  {
    std::lock_guard<std::mutex> lock(module->release_mutex_);
    in_flight = module->in_flight_ > 0;
  }
  // A libzmq thread will still call FreeHold: leaking beats a use after free.
  if (!in_flight) delete module;
}

void Module::InitZeroCopy(zmq_msg_t* msg, napi_value value, void* data, size_t size,
                          uint32_t track) {
  napi_ref ref;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_reference(env, value, 1, &ref));
  auto* hold = new Hold{this, ref, track, size};
  {
    std::lock_guard<std::mutex> lock(release_mutex_);
    in_flight_++;
  }
  if (zmq_msg_init_data(msg, data, size, FreeHold, hold) != 0) {
    int err = zmq_errno();
    FreeHold(data, hold);
    throw Napi::Error::New(env, zmq_strerror(err));
  }
}

// Runs on a libzmq I/O thread (or on the JS thread when a send fails): no JS here.
// Runs on a libzmq I/O thread (or on the JS thread when a send fails): no JS here.
void Module::FreeHold(void*, void* hint) {
  auto* hold = static_cast<Hold*>(hint);
  Module* module = hold->module;
  bool notify;
  {
    std::lock_guard<std::mutex> lock(module->release_mutex_);
    module->released_.push_back(*hold);
    module->released_bytes_ += hold->size;
    module->in_flight_--;
    // A tracked buffer is awaited (sendTracked), and the last one in flight may be
    // the last release for a long time: those are told at once.
    bool due = hold->track != 0 || module->in_flight_ == 0 ||
               module->released_.size() >= kReleaseBatch ||
               module->released_bytes_ >= kReleaseBytes;
    notify = due && !module->notified_ && module->releaser_ != nullptr;
    if (notify) module->notified_ = true;
    // Calls happen under the lock: the releaser is never used after cleanup ends.
    if (notify) napi_call_threadsafe_function(module->releaser_, nullptr, napi_tsfn_nonblocking);
  }
  module->release_done_.notify_all();
  delete hold;
}

void Module::DrainReleases(napi_env env, napi_value, void* context, void*) {
  if (env == nullptr) return;
  auto* module = static_cast<Module*>(context);
  std::vector<Hold> holds;
  {
    std::lock_guard<std::mutex> lock(module->release_mutex_);
    holds.swap(module->released_);
    module->released_bytes_ = 0;
    module->notified_ = false;
  }
  std::vector<uint32_t> tracks;
  for (const Hold& hold : holds) {
    napi_delete_reference(env, hold.ref);
    if (hold.track != 0) tracks.push_back(hold.track);
  }
  // During teardown nobody can be told any more (and JS cannot run).
  if (tracks.empty() || module->closing_ || module->release_handler.IsEmpty()) return;
  // A C callback: plain Node-API calls, as an exception must not escape from here.
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value array;
  napi_value handler;
  napi_value global;
  bool ok = napi_create_array_with_length(env, tracks.size(), &array) == napi_ok &&
            napi_get_reference_value(env, static_cast<napi_ref>(module->release_handler),
                                     &handler) == napi_ok &&
            napi_get_global(env, &global) == napi_ok;
  for (uint32_t i = 0; ok && i < tracks.size(); i++) {
    napi_value id;
    ok = napi_create_uint32(env, tracks[i], &id) == napi_ok &&
         napi_set_element(env, array, i, id) == napi_ok;
  }
  napi_value result;
  if (ok &&
      napi_call_function(env, global, handler, 1, &array, &result) == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_close_handle_scope(env, scope);
}

void Module::Cleanup(napi_async_cleanup_hook_handle, void* arg) {
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
  std::vector<Hold> released;
  {
    std::unique_lock<std::mutex> lock(module->release_mutex_);
    module->release_done_.wait_for(lock, kReleaseWait,
                                   [module] { return module->in_flight_ == 0; });
    // Here, not later: Node frees the function in its own cleanup hook, which runs
    // after this one (hooks run in reverse order of registration).
    if (module->releaser_ != nullptr) {
      napi_release_threadsafe_function(module->releaser_, napi_tsfn_abort);
      module->releaser_ = nullptr;
    }
    released.swap(module->released_);
  }
  for (const Hold& hold : released) napi_delete_reference(module->env, hold.ref);
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
