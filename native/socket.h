// A libzmq socket, driven from the JS thread only. The TypeScript layer owns queues,
// promises and validation; this class moves bytes and watches for readiness.
//
// One class, four files by concern: socket.cc (lifecycle, endpoints, options, monitor,
// draft calls), socket_wait.cc (events and readiness), socket_send.cc, socket_receive.cc.
#pragma once

#include <napi.h>
#include <zmq.h>

#include <cstdint>
#include <string>
#include <vector>

#include "event_loop.h"
#include "protocol.h"

namespace zmqnapi {

class Module;

class Socket : public Napi::ObjectWrap<Socket>, public Watcher {
 public:
  static Napi::Function Init(Napi::Env env);

  explicit Socket(const Napi::CallbackInfo& info);
  ~Socket() override;

  /** Closes the libzmq socket and its watch; safe to call repeatedly. */
  void CloseNative();
  /** Stops the socket monitor, if one runs (libzmq wants that before the reader closes). */
  void StopMonitor();

  /**
   * Lends the libzmq socket to another thread (a proxy): the JS thread stops
   * watching it and every call on it fails until Return(). libzmq sockets are not
   * thread-safe, so exactly one thread may use one at a time. Throws when closed
   * or already lent.
   */
  void* Lend(Napi::Env env);
  /** Takes the socket back after the borrowing thread has finished with it. */
  void Return();
  bool Lent() const { return lent_; }

  void OnSignal(int status) override;

 private:
  // socket.cc
  void Close(const Napi::CallbackInfo& info);
  void Bind(const Napi::CallbackInfo& info);
  void Unbind(const Napi::CallbackInfo& info);
  void Connect(const Napi::CallbackInfo& info);
  void Disconnect(const Napi::CallbackInfo& info);
  Napi::Value GetOption(const Napi::CallbackInfo& info);
  void SetOption(const Napi::CallbackInfo& info);
  Napi::Value Monitor(const Napi::CallbackInfo& info);
  void Join(const Napi::CallbackInfo& info);
  void Leave(const Napi::CallbackInfo& info);
  Napi::Value ConnectPeer(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);
  Napi::Value IsLent(const Napi::CallbackInfo& info);
  /** The libzmq socket; throws EBADF when closed, EBUSY while a proxy has it. */
  void* Checked(Napi::Env env) const;

  // The socket behind the own-property copies of the per-message methods (see
  // BindHotMethods): cleared when the socket goes, freed with the last of them.
  struct Slot {
    Socket* socket;
    int refs;
  };
  /**
   * Gives the JS object own-property copies of the methods called per message, whose
   * callback data is this socket: a prototype method must find its instance with
   * napi_unwrap, a private-property lookup that cost as much as the rest of the call.
   */
  void BindHotMethods(Napi::Env env);
  template <Napi::Value (Socket::*Method)(const Napi::CallbackInfo&)>
  static Napi::Value CallBound(const Napi::CallbackInfo& info);
  static void ReleaseSlot(Slot* slot);

  // socket_bind.cc
  struct EndpointWork;
  /** bindAsync(address, unbind): zmq_bind or zmq_unbind on the thread pool; a promise. */
  Napi::Value EndpointAsync(const Napi::CallbackInfo& info);
  /** Environment teardown during a bind: the worker closes the socket when it is done. */
  void AbandonEndpointWork();

  // socket_wait.cc
  Napi::Value Events(const Napi::CallbackInfo& info);
  Napi::Value Wait(const Napi::CallbackInfo& info);
  uint32_t ReadEvents(Napi::Env env);
  /** Reads ZMQ_EVENTS, first clearing the thread-safe poller's signal if there is one. */
  int PollEvents(int* events);
  void StartWatching(Napi::Env env);

  // socket_send.cc
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value SendMany(const Napi::CallbackInfo& info);
  Napi::Value SendPacked(const Napi::CallbackInfo& info);
  void SetSendBuffers(const Napi::CallbackInfo& info);
  Napi::Value SendDraft(const Napi::CallbackInfo& info);
  /** Sends one frame; false on EAGAIN. */
  bool SendFrame(Napi::Env env, napi_value frame, int flags, uint32_t track = 0);
  /** Sends an initialised message (closing it when refused); false on EAGAIN. */
  bool SendInitialized(Napi::Env env, zmq_msg_t* msg, int flags);
  /** Sends a single frame or an array of frames as one message; false on EAGAIN. */
  bool SendMessage(Napi::Env env, napi_value message, uint32_t track = 0);
  void InitMessage(Napi::Env env, zmq_msg_t* msg, napi_value frame, uint32_t track = 0);
  void InitBytes(Napi::Env env, zmq_msg_t* msg, napi_value frame, void* data, size_t size,
                 uint32_t track);

  // socket_receive.cc
  void SetReceiveBuffers(const Napi::CallbackInfo& info);
  void SetMetadata(const Napi::CallbackInfo& info);
  Napi::Value Receive(const Napi::CallbackInfo& info);

  Module& module_;
  Slot* slot_ = nullptr;
  void* socket_ = nullptr;
  int type_ = -1;
  Napi::ObjectReference context_;
  Napi::AsyncContext async_context_;

  Watch* watch_ = nullptr;
  // Thread-safe (draft) sockets have no ZMQ_FD: a zmq_poller's descriptor stands in.
  void* poller_ = nullptr;
  uint32_t interest_ = 0;
  bool lent_ = false;
  // Lent to a bind or unbind on the thread pool (lent_ is set too): see socket_bind.cc.
  bool blocked_ = false;
  EndpointWork* endpoint_work_ = nullptr;
  bool monitoring_ = false;
  // The last call was a receive that ended on EAGAIN: libzmq processed its commands
  // just then, so nothing is readable until the descriptor signals. Any other call
  // (they all pass Checked()) clears it.
  mutable bool drained_ = false;

  // Shared with JS for receive(): frame metadata and the extras array.
  Napi::Reference<Napi::Uint32Array> meta_ref_;
  Napi::ObjectReference extras_ref_;
  uint32_t* meta_ = nullptr;
  size_t meta_frames_ = 0;
  // sendPacked()'s buffers, set once: the frames' bytes back to back and their sizes.
  Napi::Reference<Napi::Uint8Array> pack_data_ref_;
  Napi::Reference<Napi::Uint32Array> pack_sizes_ref_;
  const uint8_t* pack_data_ = nullptr;
  size_t pack_data_size_ = 0;
  const uint32_t* pack_sizes_ = nullptr;
  size_t pack_sizes_length_ = 0;
  // Message properties (zmq_msg_gets) to report for each message; none when empty.
  std::vector<std::string> metadata_names_;
  bool in_message_ = false;  // the last frame received had "more"
  // Receive calls in a row that took one large frame each (see socket_receive.cc).
  uint32_t lone_large_calls_ = 0;
};

}  // namespace zmqnapi
