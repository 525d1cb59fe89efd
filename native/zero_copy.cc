#include "zero_copy.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "util/errors.h"

namespace zmqnapi {

namespace {

// How long environment teardown waits for libzmq to release zero-copy buffers (whose
// memory belongs to the ending environment) after its sockets closed.
constexpr auto kReleaseWait = std::chrono::seconds(10);
// Releases of untracked buffers wake the JS thread once this many, or this many bytes,
// are waiting: one wake-up per release would cost a system call on the I/O thread and
// a context switch per large message. Buffers below both limits may stay referenced
// until the next release: at most 1 MiB of them.
constexpr size_t kReleaseBatch = 32;
constexpr size_t kReleaseBytes = 1024 * 1024;

}  // namespace

void ReleaseQueue::Start() {
  napi_value name = Napi::String::New(env_, "zeromq-napi:release");
  NAPI_THROW_IF_FAILED_VOID(
      env_, napi_create_threadsafe_function(env_, nullptr, nullptr, name, 0, 1, nullptr, nullptr,
                                            this, Drain, &releaser_));
  // Pending releases alone must not keep the process alive.
  napi_unref_threadsafe_function(env_, releaser_);
}

void ReleaseQueue::InitZeroCopy(zmq_msg_t* msg, napi_value value, void* data, size_t size,
                                uint32_t track) {
  napi_ref ref;
  NAPI_THROW_IF_FAILED_VOID(env_, napi_create_reference(env_, value, 1, &ref));
  auto* hold = new Hold{this, ref, track, size, data};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    in_flight_++;
    sent_[data]++;
  }
  if (zmq_msg_init_data(msg, data, size, Free, hold) != 0) {
    int err = zmq_errno();
    Free(data, hold);
    ThrowErrno(env_, err);
  }
}

bool ReleaseQueue::InFlight() {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_ > 0;
}

bool ReleaseQueue::Sent(const void* data) {
  std::lock_guard<std::mutex> lock(mutex_);
  return sent_.find(data) != sent_.end();
}

// Runs on a libzmq I/O thread (or on the JS thread when a send fails): no JS here.
void ReleaseQueue::Free(void*, void* hint) {
  auto* hold = static_cast<Hold*>(hint);
  ReleaseQueue* queue = hold->queue;
  {
    std::lock_guard<std::mutex> lock(queue->mutex_);
    queue->released_.push_back(*hold);
    queue->released_bytes_ += hold->size;
    queue->in_flight_--;
    auto sent = queue->sent_.find(hold->data);
    if (sent != queue->sent_.end() && --sent->second == 0) queue->sent_.erase(sent);
    // A tracked buffer is awaited (sendTracked), and the last one in flight may be
    // the last release for a long time: those are told at once.
    bool due = hold->track != 0 || queue->in_flight_ == 0 ||
               queue->released_.size() >= kReleaseBatch || queue->released_bytes_ >= kReleaseBytes;
    bool notify = due && !queue->notified_ && queue->releaser_ != nullptr;
    if (notify) queue->notified_ = true;
    // Calls happen under the lock: the releaser is never used after Shutdown() ends.
    if (notify) napi_call_threadsafe_function(queue->releaser_, nullptr, napi_tsfn_nonblocking);
  }
  queue->done_.notify_all();
  delete hold;
}

void ReleaseQueue::Drain(napi_env env, napi_value, void* context, void*) {
  if (env == nullptr) return;
  auto* queue = static_cast<ReleaseQueue*>(context);
  std::vector<Hold> holds;
  {
    std::lock_guard<std::mutex> lock(queue->mutex_);
    holds.swap(queue->released_);
    queue->released_bytes_ = 0;
    queue->notified_ = false;
  }
  std::vector<uint32_t> tracks;
  for (const Hold& hold : holds) {
    napi_delete_reference(env, hold.ref);
    if (hold.track != 0) tracks.push_back(hold.track);
  }
  // During teardown nobody can be told any more (and JS cannot run).
  if (tracks.empty() || queue->closing_ || queue->handler.IsEmpty()) return;
  // A C callback: plain Node-API calls, as an exception must not escape from here.
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value array;
  napi_value handler;
  napi_value global;
  bool ok =
      napi_create_array_with_length(env, tracks.size(), &array) == napi_ok &&
      napi_get_reference_value(env, static_cast<napi_ref>(queue->handler), &handler) == napi_ok &&
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

void ReleaseQueue::Shutdown() {
  closing_ = true;
  std::vector<Hold> released;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait_for(lock, kReleaseWait, [this] { return in_flight_ == 0; });
    // Here, not later: Node frees the function in its own cleanup hook, which runs
    // after the module's (hooks run in reverse order of registration).
    if (releaser_ != nullptr) {
      napi_release_threadsafe_function(releaser_, napi_tsfn_abort);
      releaser_ = nullptr;
    }
    released.swap(released_);
  }
  for (const Hold& hold : released) napi_delete_reference(env_, hold.ref);
}

namespace {

// V8 must not wrap the same memory twice, and libzmq shares one buffer between
// several messages (pub/sub fan-out over inproc, or a large frame sent straight back
// over inproc). So each wrapped pointer maps to a weak reference on its Buffer: the
// same environment gets that Buffer again (the same bytes), others get a copy.
// Process-wide, as worker threads share libzmq's memory but not V8's heap.
struct Wrapper {
  napi_env env;
  napi_ref ref;
};
std::mutex wrapped_mutex;
std::unordered_map<const void*, Wrapper> wrapped;

// ZEROMQ_NAPI_NO_EXTERNAL_BUFFERS=1 (read once, when the addon is loaded) receives large frames
// into copies, as where the runtime forbids external buffers (Electron): tests use it.
const bool external_buffers = [] {
  const char* value = std::getenv("ZEROMQ_NAPI_NO_EXTERNAL_BUFFERS");
  return value == nullptr || *value == '\0' || std::strcmp(value, "0") == 0;
}();

void FinalizeReceived(napi_env env, void* data, void* hint) {
  auto* msg = static_cast<zmq_msg_t*>(hint);
  napi_ref ref = nullptr;
  {
    std::lock_guard<std::mutex> lock(wrapped_mutex);
    auto it = wrapped.find(data);
    if (it != wrapped.end()) {
      ref = it->second.ref;
      wrapped.erase(it);
    }
  }
  if (ref != nullptr) napi_delete_reference(env, ref);
  zmq_msg_close(msg);
  delete msg;
}

}  // namespace

napi_value ReceivedFrame(napi_env env, zmq_msg_t* msg, size_t external_min) {
  void* data = zmq_msg_data(msg);
  size_t size = zmq_msg_size(msg);
  napi_value result;
  if (size >= external_min && external_buffers) {
    // Node-API is called outside the lock (a collection may run finalizers, which
    // take it). A pointer is reserved first, so that no two threads wrap it.
    Wrapper existing{nullptr, nullptr};
    bool reserved = false;
    {
      std::lock_guard<std::mutex> lock(wrapped_mutex);
      auto it = wrapped.find(data);
      if (it == wrapped.end()) {
        wrapped.emplace(data, Wrapper{env, nullptr});
        reserved = true;
      } else {
        existing = it->second;
      }
    }
    if (reserved) {
      auto* held = new zmq_msg_t;
      zmq_msg_init(held);
      zmq_msg_move(held, msg);
      if (napi_create_external_buffer(env, size, data, FinalizeReceived, held, &result) ==
          napi_ok) {
        napi_ref ref;
        if (napi_create_reference(env, result, 0, &ref) == napi_ok) {
          std::lock_guard<std::mutex> lock(wrapped_mutex);
          auto it = wrapped.find(data);
          if (it != wrapped.end()) it->second.ref = ref;
        }
        return result;
      }
      // External buffers are forbidden here (Electron's memory cage): copy.
      zmq_msg_move(msg, held);
      zmq_msg_close(held);
      delete held;
      std::lock_guard<std::mutex> lock(wrapped_mutex);
      wrapped.erase(data);
    } else if (existing.env == env && existing.ref != nullptr &&
               napi_get_reference_value(env, existing.ref, &result) == napi_ok &&
               result != nullptr) {
      // Still alive in this environment: hand out that Buffer, the same bytes.
      return result;
    }
  }
  void* copy;
  NAPI_THROW_IF_FAILED(env, napi_create_buffer_copy(env, size, data, &copy, &result), nullptr);
  return result;
}

}  // namespace zmqnapi
