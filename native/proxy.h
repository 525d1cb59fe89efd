// A steerable libzmq proxy on a thread of its own. TypeScript validates, makes
// the control pair and sends the commands; this class lends the sockets to the
// thread, runs zmq_proxy_steerable there and gives them back when it returns.
#pragma once

#include <napi.h>
#include <zmq.h>

#include <mutex>
#include <thread>
#include <vector>

namespace zmqnapi {

class Module;
class Socket;

class Proxy : public Napi::ObjectWrap<Proxy> {
 public:
  static Napi::Function Init(Napi::Env env);

  explicit Proxy(const Napi::CallbackInfo& info);
  ~Proxy() override;

  /**
   * Environment teardown (no JS runs): asks the proxy to terminate through the
   * control peer, waits for its thread and gives the sockets back, so that they
   * can be closed next. Does nothing when the proxy is not running.
   */
  void Stop();

 private:
  // Lent to the proxy thread (capture may be absent); the peer stays with JS.
  enum Slot { kFrontEnd, kBackEnd, kCapture, kControl, kSlots };

  /**
   * run(frontEnd, backEnd, capture | null, control, peer, frontReadAhead, backReadAhead):
   * lends the first four sockets to a new thread, which first forwards the messages each
   * end had read ahead (arrays of frame arrays) and then runs the proxy; resolves when it
   * has ended and the sockets are back, rejects with the proxy's libzmq error.
   */
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value IsRunning(const Napi::CallbackInfo& info);

  /** A frame that a socket had read ahead before the proxy took it over. */
  struct Frame {
    zmq_msg_t msg;
    bool more;
  };
  /** Copies the read-ahead messages (a JS array of frame arrays) into `frames`. */
  static void CopyReadAhead(Napi::Env env, Napi::Value messages, std::vector<Frame>& frames);
  /**
   * On the proxy thread: sends the frames another socket had read ahead through `to`
   * (and a copy to the capture socket), as the proxy would have forwarded them. False
   * when the proxy must not start: teardown abandoned it, or a send failed (error_).
   */
  bool Forward(Slot to, std::vector<Frame>& frames);
  /** Sends one frame, waiting while the socket is full; false once abandoned or on errors. */
  bool SendWaiting(void* socket, zmq_msg_t* msg, bool more);
  bool Abandoned();
  void DropReadAhead();

  /** The thread's body: no Node-API in here but the threadsafe function. */
  void Main();
  /** Runs on the JS thread once the proxy thread has ended. */
  static void OnEnded(napi_env env, napi_value callback, void* context, void* data);
  /** Joins the thread, gives the sockets back and drops every reference. */
  void Finish();
  /** Sends TERMINATE through the peer (teardown: JS cannot send it any more). */
  void SendTerminate(Napi::Env env);

  Module& module_;
  Napi::AsyncContext async_context_;
  bool running_ = false;
  Socket* sockets_[kSlots] = {};
  void* handles_[kSlots] = {};
  Napi::ObjectReference refs_[kSlots];
  Socket* peer_ = nullptr;
  Napi::ObjectReference peer_ref_;
  napi_deferred deferred_ = nullptr;
  napi_threadsafe_function ended_ = nullptr;
  std::thread thread_;
  // What the front-end read ahead goes out through the back-end, and the other way round.
  std::vector<Frame> front_read_ahead_;
  std::vector<Frame> back_read_ahead_;

  // Shared with the proxy thread.
  std::mutex mutex_;
  bool abandoned_ = false;  // teardown: the thread must not call ended_
  int error_ = 0;           // the proxy's errno, 0 when it was terminated
};

}  // namespace zmqnapi
