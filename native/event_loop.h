// How a socket learns that libzmq has work for it. libzmq signals through a descriptor
// (ZMQ_FD, or a zmq_poller's for thread-safe sockets) that is edge-triggered: a socket arms
// its watch first and reads ZMQ_EVENTS after, so that no signal falls between the two.
//
// The runtime's event loop watches that descriptor and calls back on the JS thread. This is
// the seam between the addon and the runtime: libuv's poll handles where the runtime has a
// usable libuv (Node, Electron), a watcher thread elsewhere (see CreateEventLoop).
#pragma once

#include <napi.h>

#include <memory>

#include "util/uv.h"

namespace zmqnapi {

class Module;

/** The socket side of a watch: called on the JS thread. */
class Watcher {
 public:
  virtual ~Watcher() = default;
  /** The descriptor signalled (status < 0: watching failed; let waiting operations run). */
  virtual void OnSignal(int status) = 0;
};

/** Watches one descriptor for one socket. Owned by the socket until Close(). */
class Watch {
 public:
  virtual ~Watch() = default;
  /**
   * Asks for a call of OnSignal() once the descriptor signals, and keeps the process alive
   * until then (or until Disarm()).
   */
  virtual void Arm() = 0;
  /** Nothing waits any more: the process may end. Signals may still be delivered. */
  virtual void Disarm() = 0;
  /** Stops watching while another thread uses the socket (a proxy), until Resume(). */
  virtual void Suspend() = 0;
  virtual void Resume() = 0;
  /** Stops for good and frees the watch (at once, or later on the loop). */
  virtual void Close() = 0;
};

/** One per environment. */
class EventLoop {
 public:
  virtual ~EventLoop() = default;
  /** Starts watching `fd` for `watcher`; throws a JS error when it cannot. */
  virtual Watch* Start(Napi::Env env, uv::OsSocket fd, Watcher* watcher) = 0;
  /** Environment teardown, after every watch was closed. */
  virtual void Shutdown() {}
  /** What the benchmark and the tests report: "libuv" or "thread". */
  virtual const char* Name() const = 0;
  /** Whether large frames may be sent without copying (the memory outlives the watch). */
  virtual bool MainThread() const = 0;
};

/**
 * The integration for this environment: libuv where the runtime provides a usable one
 * (ZEROMQ_NAPI_EVENT_LOOP=thread forces the other), else the watcher thread. Returns
 * nullptr when neither works here; sockets then fail to wait with a clear error.
 */
std::unique_ptr<EventLoop> CreateEventLoop(Napi::Env env, Module& module);

/** Whether this runtime's external buffers work (not Deno's: see Module::external_frames). */
bool ExternalBuffersWork(Napi::Env env);

}  // namespace zmqnapi
