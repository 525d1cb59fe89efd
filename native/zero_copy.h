// Memory shared with libzmq without a copy, both ways.
//
// Sends: a frame of kSendZeroCopyMin bytes or more is handed to libzmq as it is; its JS
// value stays referenced until libzmq releases the message, on one of its I/O threads. The
// releases queue up here and reach the JS thread in groups (ReleaseQueue).
//
// Receives: a large frame becomes an external Buffer over libzmq's memory (ExternalFrame).
#pragma once

#include <napi.h>
#include <zmq.h>

#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace zmqnapi {

/** The sends of one environment whose memory libzmq still reads. */
class ReleaseQueue {
 public:
  explicit ReleaseQueue(Napi::Env env) : env_(env) {}
  ReleaseQueue(const ReleaseQueue&) = delete;
  ReleaseQueue& operator=(const ReleaseQueue&) = delete;

  /** Creates the threadsafe function that hands releases to the JS thread. */
  void Start();
  /**
   * Initialises `msg` over `size` bytes at `data` without copying; `value` (which owns
   * them) stays referenced until libzmq releases the message. A non-zero `track` is
   * reported to the release handler then.
   */
  void InitZeroCopy(zmq_msg_t* msg, napi_value value, void* data, size_t size, uint32_t track);
  /** Whether libzmq still holds memory of this environment. */
  bool InFlight();
  /**
   * Whether `data` is the memory of a frame this environment sent without copying and
   * libzmq still holds: over inproc, the receiver gets that same memory.
   */
  bool Sent(const void* data);
  /**
   * Environment teardown: waits (bounded) for libzmq to release what it holds, after every
   * socket closed, and drops every reference. Nothing is reported any more.
   */
  void Shutdown();

  // Called on the JS thread with the track ids whose buffers libzmq released.
  Napi::FunctionReference handler;

 private:
  struct Hold {
    ReleaseQueue* queue;
    napi_ref ref;
    uint32_t track;  // 0: nobody tracks this buffer
    size_t size;
    const void* data;
  };
  static void Free(void* data, void* hint);
  static void Drain(napi_env env, napi_value, void* context, void*);

  Napi::Env env_;
  bool closing_ = false;
  napi_threadsafe_function releaser_ = nullptr;
  std::mutex mutex_;
  std::condition_variable done_;
  std::vector<Hold> released_;
  // Bytes of the released untracked buffers, and whether the JS thread was told.
  size_t released_bytes_ = 0;
  bool notified_ = false;
  size_t in_flight_ = 0;
  // The memory of the frames in flight (a buffer may be in several messages at once).
  std::unordered_map<const void*, size_t> sent_;
};

/**
 * A received frame as a JS value: an external Buffer over libzmq's memory when it has at
 * least `external_min` bytes and the runtime allows external buffers (the message is then
 * moved out of `msg`), else a copy.
 */
napi_value ReceivedFrame(napi_env env, zmq_msg_t* msg, size_t external_min);

}  // namespace zmqnapi
