#include <string>

#include "module.h"
#include "socket.h"
#include "util/errors.h"

namespace zmqnapi {

int Socket::PollEvents(int* events) {
  // Reading ZMQ_EVENTS processes commands: a wake-up may be consumed here.
  drained_ = false;
#ifdef ZMQ_BUILD_DRAFT_API
  if (poller_ != nullptr) {
    // The poller's signal stays raised until a wait consumes it.
    zmq_poller_event_t event;
    zmq_poller_wait_all(poller_, &event, 1, 0);
  }
#endif
  size_t size = sizeof(*events);
  int rc;
  do {
    rc = zmq_getsockopt(socket_, ZMQ_EVENTS, events, &size);
  } while (rc != 0 && zmq_errno() == EINTR);
  return rc;
}

uint32_t Socket::ReadEvents(Napi::Env env) {
  Checked(env);
  int events = 0;
  if (PollEvents(&events) != 0) ThrowErrno(env);
  return static_cast<uint32_t>(events);
}

Napi::Value Socket::Events(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ReadEvents(info.Env()));
}

void Socket::StartWatching(Napi::Env env) {
  EventLoop* loop = module_.loop.get();
  if (loop == nullptr) {
    throw Napi::Error::New(env,
                           "zeromq-napi cannot wait for sockets in this runtime: it has no "
                           "usable event loop integration (see the README's runtime table)");
  }
  uv::OsSocket fd{};
  size_t size = sizeof(fd);
  int thread_safe = 0;
  size_t flag_size = sizeof(thread_safe);
  if (zmq_getsockopt(socket_, ZMQ_THREAD_SAFE, &thread_safe, &flag_size) != 0) ThrowErrno(env);
  if (thread_safe != 0) {
#ifdef ZMQ_BUILD_DRAFT_API
    poller_ = zmq_poller_new();
    if (poller_ == nullptr) ThrowErrno(env);
    zmq_fd_t poller_fd;
    if (zmq_poller_add(poller_, socket_, nullptr, ZMQ_POLLIN | ZMQ_POLLOUT) != 0 ||
        zmq_poller_fd(poller_, &poller_fd) != 0) {
      int err = zmq_errno();
      zmq_poller_destroy(&poller_);
      ThrowErrno(env, err);
    }
    fd = static_cast<uv::OsSocket>(poller_fd);
#else
    ThrowErrno(env, ENOTSUP);
#endif
  } else if (zmq_getsockopt(socket_, ZMQ_FD, &fd, &size) != 0) {
    ThrowErrno(env);
  }
  watch_ = loop->Start(env, fd, this);
}

Napi::Value Socket::Wait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t interest = info[0].As<Napi::Number>().Uint32Value();
  bool drained = drained_;
  Checked(env);
  if (interest == 0) {
    // Nothing to wait for: reading ZMQ_EVENTS would cost libzmq a poll() for nothing.
    interest_ = 0;
    if (watch_ != nullptr) watch_->Disarm();
    return Napi::Number::New(env, 0);
  }
  if (watch_ == nullptr) StartWatching(env);
  if (drained && interest == protocol::kEventReadable && poller_ == nullptr) {
    // Reading ZMQ_EVENTS now would only repeat what the receive just found (and cost
    // libzmq a poll()): wait for the descriptor. Not for thread-safe sockets, whose
    // descriptor is a zmq_poller's: its signal says nothing about that receive.
    interest_ = interest;
    watch_->Arm();
    return Napi::Number::New(env, 0);
  }
  // Armed before ZMQ_EVENTS is read: a signal in between is not lost.
  watch_->Arm();
  uint32_t events = ReadEvents(env);
  if ((events & interest) != 0) {
    // Ready now: the caller goes on without waiting.
    interest_ = 0;
    watch_->Disarm();
  } else {
    interest_ = interest;
  }
  return Napi::Number::New(env, events);
}

void Socket::OnSignal(int status) {
  Socket* self = this;
  if (self->socket_ == nullptr) return;
  // ZMQ_FD stays readable until libzmq processes its commands: always read
  // ZMQ_EVENTS, even when nobody waits, or the loop spins.
  int events = 0;
  int rc = self->PollEvents(&events);
  uint32_t interest = self->interest_;
  if (interest == 0) return;
  // On errors let the waiting operations run: they report the error.
  uint32_t ready = (rc != 0 || status < 0) ? interest : (static_cast<uint32_t>(events) & interest);
  if (ready == 0) return;
  self->interest_ = 0;
  self->watch_->Disarm();

  // A C callback: plain Node-API calls, so that no C++ exception can escape, and
  // nothing at all once the environment is ending (JS cannot run then).
  if (self->module_.Closing()) return;
  napi_env env = self->Env();
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value receiver;
  napi_value handler;
  napi_value argument;
  if (napi_get_reference_value(env, static_cast<napi_ref>(*self), &receiver) == napi_ok &&
      napi_get_reference_value(env, static_cast<napi_ref>(self->module_.ready_handler), &handler) ==
          napi_ok &&
      napi_create_uint32(env, ready, &argument) == napi_ok) {
    napi_value result;
    napi_status called =
        napi_make_callback(env, self->async_context_, receiver, handler, 1, &argument, &result);
    if (called == napi_pending_exception) {
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == napi_ok) {
        napi_fatal_exception(env, error);
      }
    }
  }
  napi_close_handle_scope(env, scope);
}

}  // namespace zmqnapi
