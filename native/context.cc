#include "context.h"

#include <zmq.h>

#include <cerrno>
#include <mutex>
#include <thread>

#include "module.h"
#include "util/errors.h"

namespace zmqnapi {

namespace {

std::mutex shared_mutex;
void* shared_handle = nullptr;
size_t shared_users = 0;

// zmq_ctx_term blocks until every socket is closed and its linger expired.
void TerminateBlocking(void* handle) {
  while (zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR) {
  }
}

class TerminateWorker : public Napi::AsyncWorker {
 public:
  TerminateWorker(Napi::Env env, void* handle)
      : Napi::AsyncWorker(env, "zeromq-napi:terminate"),
        handle_(handle),
        deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override { TerminateBlocking(handle_); }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  void* handle_;
  Napi::Promise::Deferred deferred_;
};

}  // namespace

Napi::Function Context::Init(Napi::Env env) {
  return DefineClass(env, "Context",
                     {
                         InstanceMethod<&Context::GetOption>("getOption"),
                         InstanceMethod<&Context::SetOption>("setOption"),
                         InstanceMethod<&Context::Terminate>("terminate"),
                         InstanceAccessor<&Context::IsShared>("shared"),
                     });
}

void* Context::AcquireShared() {
  std::lock_guard<std::mutex> lock(shared_mutex);
  if (shared_handle == nullptr) {
    shared_handle = zmq_ctx_new();
    if (shared_handle == nullptr) return nullptr;
  }
  shared_users++;
  return shared_handle;
}

void Context::ReleaseShared() {
  void* handle = nullptr;
  {
    std::lock_guard<std::mutex> lock(shared_mutex);
    if (--shared_users == 0) {
      handle = shared_handle;
      shared_handle = nullptr;
    }
  }
  // The last environment using the shared context: every socket of every
  // environment is closed by now, so termination waits only for linger.
  if (handle != nullptr) TerminateBlocking(handle);
}

Context::Context(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Context>(info), module_(Module::Of(info.Env())) {
  shared_ = info.Length() > 0 && info[0].ToBoolean();
  handle_ = shared_ ? AcquireShared() : zmq_ctx_new();
  if (handle_ == nullptr) ThrowErrno(info.Env());
  module_.Track(this);
}

Context::~Context() { Release(false); }

void Context::Release(bool wait) {
  if (handle_ == nullptr) return;
  module_.Untrack(this);
  void* handle = handle_;
  handle_ = nullptr;
  if (shared_) {
    ReleaseShared();
  } else if (wait) {
    TerminateBlocking(handle);
  } else {
    // From a finalizer: sockets of this context may still linger, and blocking
    // the JS thread for that (or deadlocking on a socket finalized later) is
    // never acceptable.
    std::thread(TerminateBlocking, handle).detach();
  }
}

Napi::Value Context::GetOption(const Napi::CallbackInfo& info) {
  if (handle_ == nullptr) ThrowErrno(info.Env(), EBADF);
  int value = zmq_ctx_get(handle_, info[0].As<Napi::Number>().Int32Value());
  if (value < 0) ThrowErrno(info.Env());
  return Napi::Number::New(info.Env(), value);
}

void Context::SetOption(const Napi::CallbackInfo& info) {
  if (handle_ == nullptr) ThrowErrno(info.Env(), EBADF);
  int id = info[0].As<Napi::Number>().Int32Value();
  int value = info[1].As<Napi::Number>().Int32Value();
  if (zmq_ctx_set(handle_, id, value) != 0) ThrowErrno(info.Env());
}

Napi::Value Context::Terminate(const Napi::CallbackInfo& info) {
  if (handle_ == nullptr || shared_) ThrowErrno(info.Env(), shared_ ? EINVAL : EBADF);
  module_.Untrack(this);
  void* handle = handle_;
  handle_ = nullptr;
  auto* worker = new TerminateWorker(info.Env(), handle);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Context::IsShared(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), shared_);
}

}  // namespace zmqnapi
