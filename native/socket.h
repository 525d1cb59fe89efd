// A libzmq socket, driven from the JS thread only. The TypeScript layer owns
// queues, promises and validation; this class moves bytes and watches ZMQ_FD.
#pragma once

#include <napi.h>
#include <zmq.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/uv.h"

namespace zmqnapi {

class Module;

class Socket : public Napi::ObjectWrap<Socket> {
 public:
  static Napi::Function Init(Napi::Env env);

  explicit Socket(const Napi::CallbackInfo& info);
  ~Socket() override;

  /** Closes the libzmq socket and the poll handle; safe to call repeatedly. */
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

  // Bits of the interest mask given to wait() and of ZMQ_EVENTS.
  static constexpr uint32_t kReadable = ZMQ_POLLIN;
  static constexpr uint32_t kWritable = ZMQ_POLLOUT;

  // Receive metadata: three uint32 per frame (size, flags, routing id).
  static constexpr uint32_t kFrameMore = 1;
  static constexpr uint32_t kFrameExtra = 2;     // the bytes are in the extras array
  static constexpr uint32_t kFrameGroup = 4;     // a group string follows in the extras array
  static constexpr uint32_t kFrameMetadata = 8;  // a metadata object follows (first frames)

 private:
  void Close(const Napi::CallbackInfo& info);
  void Bind(const Napi::CallbackInfo& info);
  void Unbind(const Napi::CallbackInfo& info);
  void Connect(const Napi::CallbackInfo& info);
  void Disconnect(const Napi::CallbackInfo& info);
  Napi::Value GetOption(const Napi::CallbackInfo& info);
  void SetOption(const Napi::CallbackInfo& info);
  Napi::Value Events(const Napi::CallbackInfo& info);
  Napi::Value Wait(const Napi::CallbackInfo& info);
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value SendMany(const Napi::CallbackInfo& info);
  Napi::Value SendPacked(const Napi::CallbackInfo& info);
  void SetSendBuffers(const Napi::CallbackInfo& info);
  Napi::Value SendDraft(const Napi::CallbackInfo& info);
  void SetReceiveBuffers(const Napi::CallbackInfo& info);
  void SetMetadata(const Napi::CallbackInfo& info);
  Napi::Value Receive(const Napi::CallbackInfo& info);
  Napi::Value Monitor(const Napi::CallbackInfo& info);
  void Join(const Napi::CallbackInfo& info);
  void Leave(const Napi::CallbackInfo& info);
  Napi::Value ConnectPeer(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);
  Napi::Value IsLent(const Napi::CallbackInfo& info);

  void* Checked(Napi::Env env) const;
  uint32_t ReadEvents(Napi::Env env);
  /** Sends one frame; false on EAGAIN. */
  bool SendFrame(Napi::Env env, napi_value frame, int flags, uint32_t track = 0);
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

  /** Sends an initialised message (closing it when refused); false on EAGAIN. */
  bool SendInitialized(Napi::Env env, zmq_msg_t* msg, int flags);
  /** Sends a single frame or an array of frames as one message; false on EAGAIN. */
  bool SendMessage(Napi::Env env, napi_value message, uint32_t track = 0);
  void InitMessage(Napi::Env env, zmq_msg_t* msg, napi_value frame, uint32_t track = 0);
  /** The bytes of a Buffer or other TypedArray; false for any other value. */
  static bool TypedArrayBytes(Napi::Env env, napi_value value, void** data, size_t* size);
  void InitBytes(Napi::Env env, zmq_msg_t* msg, napi_value frame, void* data, size_t size,
                 uint32_t track);
  void StartPolling(Napi::Env env);
  void SetReferenced(bool referenced);
  static void OnPoll(uv::Handle* handle, int status, int events);
  static void OnClosed(uv::Handle* handle);
  /** Reads ZMQ_EVENTS, first clearing the thread-safe poller's signal if there is one. */
  int PollEvents(int* events);

  Module& module_;
  Slot* slot_ = nullptr;
  void* socket_ = nullptr;
  int type_ = -1;
  Napi::ObjectReference context_;
  Napi::AsyncContext async_context_;

  uv::Handle* poll_ = nullptr;
  // Thread-safe (draft) sockets have no ZMQ_FD: a zmq_poller's descriptor stands in.
  void* poller_ = nullptr;
  uint32_t interest_ = 0;
  bool referenced_ = false;
  bool lent_ = false;
  bool monitoring_ = false;
  // The last call was a receive that ended on EAGAIN: libzmq processed its commands
  // just then, so nothing is readable until the descriptor signals. Any other call
  // (they all pass Checked()) clears it.
  mutable bool drained_ = false;

  // Shared with JS for receive(): frame metadata and the extras array.
  Napi::Reference<Napi::Uint32Array> meta_ref_;
  Napi::ObjectReference extras_ref_;
  uint32_t* meta_ = nullptr;
  // sendPacked()'s buffers, set once: the frames' bytes back to back and their sizes.
  Napi::Reference<Napi::Uint8Array> pack_data_ref_;
  Napi::Reference<Napi::Uint32Array> pack_sizes_ref_;
  const uint8_t* pack_data_ = nullptr;
  size_t pack_data_size_ = 0;
  const uint32_t* pack_sizes_ = nullptr;
  size_t pack_sizes_length_ = 0;
  size_t meta_frames_ = 0;
  // Message properties (zmq_msg_gets) to report for each message; none when empty.
  std::vector<std::string> metadata_names_;
  bool in_message_ = false;  // the last frame received had "more"
  // Receive calls in a row that took one large frame each (see kExternalMin).
  uint32_t lone_large_calls_ = 0;
};

}  // namespace zmqnapi
