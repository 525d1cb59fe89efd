#include "proxy.h"

#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#ifndef _WIN32
#include <pthread.h>
#include <signal.h>
#endif

#include "module.h"
#include "socket.h"
#include "util/errors.h"

namespace zmqnapi {

namespace {

constexpr char kTerminate[] = "TERMINATE";
// How often a send of read-ahead messages that waits for room checks for teardown.
constexpr long kForwardPollMs = 100;

}  // namespace

Napi::Function Proxy::Init(Napi::Env env) {
  return DefineClass(env, "Proxy",
                     {
                         InstanceMethod<&Proxy::Run>("run"),
                         InstanceAccessor<&Proxy::IsRunning>("running"),
                     });
}

Proxy::Proxy(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Proxy>(info),
      module_(Module::Of(info.Env())),
      async_context_(info.Env(), "zeromq-napi:proxy") {}

Proxy::~Proxy() {
  // A running proxy holds a reference to itself: only teardown gets here, and
  // the module's cleanup has stopped it already.
  if (running_) Stop();
}

Napi::Value Proxy::IsRunning(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), running_);
}

Napi::Value Proxy::Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (running_) {
    ThrowErrno(env, EBUSY, "Proxy is already running");
  }
  Napi::Function socket_class = module_.socket_constructor.Value();
  constexpr size_t kArgs = kSlots + 1;  // the lent sockets, then the peer
  Socket* sockets[kArgs] = {};
  for (size_t i = 0; i < kArgs; i++) {
    Napi::Value arg = info[i];
    if (i == kCapture && (arg.IsNull() || arg.IsUndefined())) continue;
    if (!arg.IsObject() || !arg.As<Napi::Object>().InstanceOf(socket_class)) {
      throw Napi::TypeError::New(
          env, "Proxy.run(): argument " + std::to_string(i) + " is not a native socket");
    }
    sockets[i] = Socket::Unwrap(arg.As<Napi::Object>());
    for (size_t j = 0; j < i; j++) {
      if (sockets[j] == sockets[i]) {
        throw Napi::TypeError::New(env, "Proxy.run(): the same socket is given twice");
      }
    }
  }
  Napi::Object peer = info[kSlots].As<Napi::Object>();
  if (peer.Get("closed").ToBoolean() || sockets[kSlots]->Lent()) ThrowErrno(env, EBADF);
  DropReadAhead();
  try {
    CopyReadAhead(env, info[kSlots + 1], front_read_ahead_);
    CopyReadAhead(env, info[kSlots + 2], back_read_ahead_);
  } catch (...) {
    DropReadAhead();
    throw;
  }

  napi_value name = Napi::String::New(env, "zeromq-napi:proxy");
  napi_threadsafe_function ended;
  // Referenced: a running proxy keeps the event loop alive, like a pending operation.
  NAPI_THROW_IF_FAILED(env,
                       napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr,
                                                       nullptr, this, OnEnded, &ended),
                       Napi::Value());
  napi_value promise;
  napi_deferred deferred;
  napi_status status = napi_create_promise(env, &deferred, &promise);
  if (status != napi_ok) {
    napi_release_threadsafe_function(ended, napi_tsfn_abort);
    NAPI_THROW_IF_FAILED(env, status, Napi::Value());
  }

  // From here on every failure goes through Finish(), which gives back what was lent.
  ended_ = ended;
  deferred_ = deferred;
  running_ = true;
  module_.Track(this);
  try {
    for (size_t i = 0; i < kSlots; i++) {
      if (sockets[i] == nullptr) continue;
      handles_[i] = sockets[i]->Lend(env);
      sockets_[i] = sockets[i];
      // The socket objects must outlive the thread: their finalizers close them.
      refs_[i] = Napi::Persistent(info[i].As<Napi::Object>());
    }
    peer_ = sockets[kSlots];
    peer_ref_ = Napi::Persistent(peer);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      abandoned_ = false;
      error_ = 0;
    }
    try {
      thread_ = std::thread(&Proxy::Main, this);
    } catch (const std::system_error& err) {
      throw Napi::Error::New(env, std::string("cannot start the proxy thread: ") + err.what());
    }
  } catch (...) {
    Finish();
    // Nobody sees this promise (the caller gets the exception): settle it to free it.
    napi_resolve_deferred(env, deferred, env.Undefined());
    throw;
  }
  Ref();  // released by OnEnded: the proxy lives as long as its thread
  return Napi::Value(env, promise);
}

void Proxy::CopyReadAhead(Napi::Env env, Napi::Value messages, std::vector<Frame>& frames) {
  if (!messages.IsArray()) return;
  Napi::Array list = messages.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Array parts = list.Get(i).As<Napi::Array>();
    for (uint32_t j = 0; j < parts.Length(); j++) {
      Napi::Uint8Array bytes = parts.Get(j).As<Napi::Uint8Array>();
      Frame frame{};
      frame.more = j + 1 < parts.Length();
      if (zmq_msg_init_size(&frame.msg, bytes.ByteLength()) != 0) ThrowErrno(env);
      if (bytes.ByteLength() > 0)
        memcpy(zmq_msg_data(&frame.msg), bytes.Data(), bytes.ByteLength());
      frames.push_back(frame);
    }
  }
}

void Proxy::DropReadAhead() {
  for (std::vector<Frame>* frames : {&front_read_ahead_, &back_read_ahead_}) {
    for (Frame& frame : *frames) zmq_msg_close(&frame.msg);
    frames->clear();
  }
}

bool Proxy::Abandoned() {
  std::lock_guard<std::mutex> lock(mutex_);
  return abandoned_;
}

bool Proxy::SendWaiting(void* socket, zmq_msg_t* msg, bool more) {
  int flags = (more ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT;
  while (zmq_msg_send(msg, socket, flags) < 0) {
    int err = zmq_errno();
    if (err == EINTR) continue;
    if (err != EAGAIN) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = err;
      return false;
    }
    // Full, as the proxy's own sends may be: wait for room, but not through teardown.
    zmq_pollitem_t item{socket, 0, ZMQ_POLLOUT, 0};
    if (zmq_poll(&item, 1, kForwardPollMs) < 0 && zmq_errno() != EINTR) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = zmq_errno();
      return false;
    }
    if (Abandoned()) return false;
  }
  return true;
}

bool Proxy::Forward(Slot to, std::vector<Frame>& frames) {
  bool ok = true;
  for (Frame& frame : frames) {
    if (ok && handles_[kCapture] != nullptr) {
      zmq_msg_t copy;
      zmq_msg_init(&copy);
      ok = zmq_msg_copy(&copy, &frame.msg) == 0 &&
           SendWaiting(handles_[kCapture], &copy, frame.more);
      zmq_msg_close(&copy);
    }
    if (ok) ok = SendWaiting(handles_[to], &frame.msg, frame.more);
    zmq_msg_close(&frame.msg);
  }
  frames.clear();
  return ok;
}

void Proxy::Main() {
#ifndef _WIN32
  // A signal would end the proxy's poll with EINTR (and the proxy with it): let
  // the other threads take them, as libzmq's own threads do.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
#endif
  // Messages the sockets had read ahead come first, in their order, as if the proxy had
  // taken them from libzmq itself.
  bool forwarded = Forward(kBackEnd, front_read_ahead_) && Forward(kFrontEnd, back_read_ahead_);
  int rc = 0;
  int err = 0;
  if (forwarded) {
    rc = zmq_proxy_steerable(handles_[kFrontEnd], handles_[kBackEnd], handles_[kCapture],
                             handles_[kControl]);
    err = rc == 0 ? 0 : zmq_errno();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (forwarded) error_ = err;
  // Fails only while the environment ends (napi_closing): Stop() joins this thread then.
  if (!abandoned_) napi_call_threadsafe_function(ended_, nullptr, napi_tsfn_nonblocking);
}

void Proxy::OnEnded(napi_env env, napi_value, void* context, void*) {
  if (env == nullptr) return;  // the environment ends: Stop() finishes the proxy
  auto* self = static_cast<Proxy*>(context);
  if (!self->running_) return;
  napi_deferred deferred = self->deferred_;
  int err;
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    err = self->error_;
  }
  self->Finish();
  Napi::Env js(env);
  Napi::HandleScope scope(js);
  {
    // Runs the promise's reactions when the scope closes.
    Napi::CallbackScope callback_scope(js, self->async_context_);
    if (err == 0) {
      napi_resolve_deferred(env, deferred, js.Undefined());
    } else {
      napi_reject_deferred(env, deferred, ErrnoError(js, err).Value());
    }
  }
  self->Unref();
}

void Proxy::Finish() {
  if (thread_.joinable()) thread_.join();
  DropReadAhead();
  for (size_t i = 0; i < kSlots; i++) {
    if (sockets_[i] != nullptr) sockets_[i]->Return();
    sockets_[i] = nullptr;
    handles_[i] = nullptr;
    refs_[i].Reset();
  }
  peer_ = nullptr;
  peer_ref_.Reset();
  if (ended_ != nullptr) {
    napi_release_threadsafe_function(ended_, napi_tsfn_release);
    ended_ = nullptr;
  }
  deferred_ = nullptr;
  running_ = false;
  module_.Untrack(this);
}

void Proxy::SendTerminate(Napi::Env env) {
  if (peer_ == nullptr || peer_->Lent()) return;
  Napi::HandleScope scope(env);
  void* peer;
  try {
    // Borrowed for one send on this thread: no JS runs during teardown.
    peer = peer_->Lend(env);
  } catch (const Napi::Error&) {
    return;
  }
  // Blocks only when the proxy stopped reading commands, and then the join would wait anyway.
  int rc;
  do {
    rc = zmq_send(peer, kTerminate, sizeof(kTerminate) - 1, 0);
  } while (rc < 0 && zmq_errno() == EINTR);
  peer_->Return();
  // Failing here would need a closed peer, which this proxy holds open.
  (void)rc;
}

void Proxy::Stop() {
  if (!running_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    abandoned_ = true;
  }
  // The peer is held open until the proxy ends, so the command gets through;
  // the proxy reads it once a send it may be blocked in completes.
  if (thread_.joinable()) SendTerminate(Env());
  // The promise stays unsettled: no JS runs any more in this environment.
  Finish();
}

}  // namespace zmqnapi
