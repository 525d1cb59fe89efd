// bind() and unbind() off the JS thread (zeromq v6 does the same): zmq_bind resolves host
// names, which would block the event loop for a DNS lookup. The work runs on the runtime's
// thread pool through napi_async_work (Node, Bun and Deno all have it; no libuv call here).
//
// libzmq sockets are not thread-safe: while the worker binds, the socket is lent to it
// like to a proxy (the JS thread's watch is suspended and every call fails with EBUSY,
// "Socket is blocked by a bind or unbind operation"; the TypeScript layer queues sends and
// receives instead of calling). When the environment ends during a bind, the socket is
// abandoned to the worker, which closes it once zmq_bind has returned.
#include <mutex>
#include <string>

#include "module.h"
#include "socket.h"
#include "util/errors.h"

namespace zmqnapi {

struct Socket::EndpointWork {
  std::mutex mutex;
  void* socket;
  std::string address;
  bool unbind;
  int error = 0;
  bool done = false;       // the worker has finished with the socket
  bool abandoned = false;  // the owner went (environment teardown): the worker closes it
  Socket* owner;
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;

  // Worker thread: no Node-API here.
  static void Execute(napi_env, void* data) {
    auto* self = static_cast<EndpointWork*>(data);
    int rc;
    int attempts = 0;
    do {
      rc = self->unbind ? zmq_unbind(self->socket, self->address.c_str())
                        : zmq_bind(self->socket, self->address.c_str());
      // A failed bind is reported to the socket's monitor before zmq_bind returns, and that
      // send may leave errno at EAGAIN, which zmq_bind itself never fails with (see
      // Socket::Bind): one more bind tells the real reason.
    } while (rc != 0 &&
             (zmq_errno() == EINTR || (!self->unbind && zmq_errno() == EAGAIN && ++attempts == 1)));
    std::lock_guard<std::mutex> lock(self->mutex);
    if (rc != 0) self->error = zmq_errno();
    self->done = true;
    if (self->abandoned) zmq_close(self->socket);
  }

  // JS thread.
  static void Complete(napi_env env, napi_status status, void* data) {
    auto* self = static_cast<EndpointWork*>(data);
    Socket* owner = self->owner;
    if (owner != nullptr) {
      Napi::Env napi_env(env);
      Napi::HandleScope scope(napi_env);
      owner->endpoint_work_ = nullptr;
      owner->Return();
      owner->Unref();
      if (status != napi_ok && self->error == 0) self->error = ECANCELED;
      if (self->error == 0) {
        napi_resolve_deferred(env, self->deferred, napi_env.Undefined());
      } else {
        napi_reject_deferred(env, self->deferred, ErrnoError(napi_env, self->error).Value());
      }
    }
    napi_delete_async_work(env, self->work);
    delete self;
  }
};

Napi::Value Socket::EndpointAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string address = info[0].As<Napi::String>();
  bool unbind = info[1].ToBoolean();
  void* socket = Lend(env);
  auto* work = new EndpointWork{};
  work->socket = socket;
  work->address = std::move(address);
  work->unbind = unbind;
  work->owner = this;
  napi_value promise;
  napi_status status = napi_create_promise(env, &work->deferred, &promise);
  if (status == napi_ok) {
    status =
        napi_create_async_work(env, nullptr, Napi::String::New(env, "zeromq-napi:bind"),
                               EndpointWork::Execute, EndpointWork::Complete, work, &work->work);
  }
  if (status == napi_ok) status = napi_queue_async_work(env, work->work);
  if (status != napi_ok) {
    if (work->work != nullptr) napi_delete_async_work(env, work->work);
    delete work;
    Return();
    NAPI_THROW_IF_FAILED(env, status, Napi::Value());
  }
  blocked_ = true;
  endpoint_work_ = work;
  // The JS object (and so this Socket) must outlive the work: no garbage collection.
  Ref();
  return Napi::Value(env, promise);
}

void Socket::AbandonEndpointWork() {
  EndpointWork* work = endpoint_work_;
  if (work == nullptr) return;
  endpoint_work_ = nullptr;
  std::lock_guard<std::mutex> lock(work->mutex);
  work->owner = nullptr;
  // Finished but not completed: nobody uses the socket, close it here; otherwise the
  // worker closes it when zmq_bind returns.
  if (work->done) {
    zmq_close(work->socket);
  } else {
    work->abandoned = true;
  }
}

}  // namespace zmqnapi
