#include "socket.h"

#include <cerrno>
#include <string>

#include "context.h"
#include "module.h"
#include "util/errors.h"

namespace zmqnapi {

Napi::Function Socket::Init(Napi::Env env) {
  Napi::Function ctor =
      DefineClass(env, "Socket",
                  {
                      InstanceMethod<&Socket::Close>("close"),
                      InstanceMethod<&Socket::Bind>("bind"),
                      InstanceMethod<&Socket::Unbind>("unbind"),
                      InstanceMethod<&Socket::EndpointAsync>("endpointAsync"),
                      InstanceMethod<&Socket::Connect>("connect"),
                      InstanceMethod<&Socket::Disconnect>("disconnect"),
                      InstanceMethod<&Socket::GetOption>("getOption"),
                      InstanceMethod<&Socket::SetOption>("setOption"),
                      InstanceMethod<&Socket::Events>("events"),
                      InstanceMethod<&Socket::Wait>("wait"),
                      InstanceMethod<&Socket::Send>("send"),
                      InstanceMethod<&Socket::SendMany>("sendMany"),
                      InstanceMethod<&Socket::SendPacked>("sendPacked"),
                      InstanceMethod<&Socket::SendDraft>("sendDraft"),
                      InstanceMethod<&Socket::SetReceiveBuffers>("setReceiveBuffers"),
                      InstanceMethod<&Socket::SetSendBuffers>("setSendBuffers"),
                      InstanceMethod<&Socket::SetMetadata>("setMetadata"),
                      InstanceMethod<&Socket::Receive>("receive"),
                      InstanceMethod<&Socket::Monitor>("monitor"),
                      InstanceMethod<&Socket::Join>("join"),
                      InstanceMethod<&Socket::Leave>("leave"),
                      InstanceMethod<&Socket::ConnectPeer>("connectPeer"),
                      InstanceAccessor<&Socket::IsClosed>("closed"),
                      InstanceAccessor<&Socket::IsLent>("lent"),
                  });
  return ctor;
}

Socket::Socket(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Socket>(info),
      module_(Module::Of(info.Env())),
      async_context_(info.Env(), "zeromq-napi:socket") {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "Socket(context, type): invalid arguments");
  }
  Napi::Object context_object = info[0].As<Napi::Object>();
  if (!context_object.InstanceOf(module_.context_constructor.Value())) {
    throw Napi::TypeError::New(env, "Socket(context, type): context is not a Context");
  }
  Context* context = Context::Unwrap(context_object);
  if (context->Handle() == nullptr) {
    ThrowErrno(env, ETERM, "Context is closed");
  }
  // First: if this throws, no libzmq socket is left behind.
  BindHotMethods(env);
  type_ = info[1].As<Napi::Number>().Int32Value();
  socket_ = zmq_socket(context->Handle(), type_);
  if (socket_ == nullptr) ThrowErrno(env);
  context_ = Napi::Persistent(context_object);
  module_.Track(this);
}

Socket::~Socket() {
  CloseNative();
  if (slot_ != nullptr) {
    slot_->socket = nullptr;
    ReleaseSlot(slot_);
  }
}

void Socket::ReleaseSlot(Slot* slot) {
  if (--slot->refs == 0) delete slot;
}

template <Napi::Value (Socket::*Method)(const Napi::CallbackInfo&)>
Napi::Value Socket::CallBound(const Napi::CallbackInfo& info) {
  auto* slot = static_cast<Slot*>(info.Data());
  if (slot->socket == nullptr) {
    ThrowErrno(info.Env(), EBADF, "Socket is closed");
  }
  return (slot->socket->*Method)(info);
}

void Socket::BindHotMethods(Napi::Env env) {
  slot_ = new Slot{this, 1};
  Napi::Object self = Value();
  auto bind = [&](const char* name, Napi::Function function) {
    NAPI_THROW_IF_FAILED_VOID(
        env, napi_add_finalizer(
                 env, function, slot_,
                 [](napi_env, void* data, void*) { ReleaseSlot(static_cast<Slot*>(data)); },
                 nullptr, nullptr));
    slot_->refs++;
    self.DefineProperty(Napi::PropertyDescriptor::Value(name, function, napi_default));
  };
  bind("send", Napi::Function::New<CallBound<&Socket::Send>>(env, "send", slot_));
  bind("sendPacked", Napi::Function::New<CallBound<&Socket::SendPacked>>(env, "sendPacked", slot_));
  bind("sendMany", Napi::Function::New<CallBound<&Socket::SendMany>>(env, "sendMany", slot_));
  bind("receive", Napi::Function::New<CallBound<&Socket::Receive>>(env, "receive", slot_));
  bind("wait", Napi::Function::New<CallBound<&Socket::Wait>>(env, "wait", slot_));
  bind("events", Napi::Function::New<CallBound<&Socket::Events>>(env, "events", slot_));
}

void* Socket::Checked(Napi::Env env) const {
  drained_ = false;
  if (socket_ == nullptr || lent_) {
    if (blocked_) ThrowErrno(env, EBUSY, "Socket is blocked by a bind or unbind operation");
    if (lent_) ThrowErrno(env, EBUSY, "Socket is in use by a proxy");
    ThrowErrno(env, EBADF, "Socket is closed");
  }
  return socket_;
}

void* Socket::Lend(Napi::Env env) {
  void* socket = Checked(env);
  if (watch_ != nullptr) watch_->Suspend();
  interest_ = 0;
  lent_ = true;
  return socket;
}

void Socket::Return() {
  if (!lent_) return;
  lent_ = false;
  blocked_ = false;
  if (watch_ != nullptr && socket_ != nullptr) watch_->Resume();
}

void Socket::StopMonitor() {
  if (!monitoring_ || socket_ == nullptr || lent_) return;
  zmq_socket_monitor(socket_, nullptr, 0);
  monitoring_ = false;
}

void Socket::CloseNative() {
  if (endpoint_work_ != nullptr) {
    // A worker binds the socket now (only at environment teardown: otherwise the
    // TypeScript layer waits for the bind). The monitor stays: libzmq stops it on close.
    if (watch_ != nullptr) {
      watch_->Close();
      watch_ = nullptr;
    }
    AbandonEndpointWork();
    socket_ = nullptr;
    lent_ = false;
    blocked_ = false;
    module_.Untrack(this);
    context_.Reset();
    return;
  }
  StopMonitor();
  if (watch_ != nullptr) {
    watch_->Close();
    watch_ = nullptr;
  }
#ifdef ZMQ_BUILD_DRAFT_API
  if (poller_ != nullptr) zmq_poller_destroy(&poller_);
#endif
  if (socket_ != nullptr) {
    zmq_close(socket_);
    socket_ = nullptr;
    module_.Untrack(this);
  }
  interest_ = 0;
  context_.Reset();
}

void Socket::Close(const Napi::CallbackInfo& info) {
  if (lent_) {
    if (blocked_) ThrowErrno(info.Env(), EBUSY, "Socket is blocked by a bind or unbind operation");
    ThrowErrno(info.Env(), EBUSY, "Socket is in use by a proxy");
  }
  CloseNative();
}

Napi::Value Socket::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), socket_ == nullptr);
}

Napi::Value Socket::IsLent(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), lent_);
}

void Socket::Bind(const Napi::CallbackInfo& info) {
  std::string address = info[0].As<Napi::String>();
  void* socket = Checked(info.Env());
  if (zmq_bind(socket, address.c_str()) == 0) return;
  int err = zmq_errno();
  // A failed bind is reported to the socket's monitor before zmq_bind returns, and that send
  // may leave errno at EAGAIN (its first try finds the monitor's pipe not attached yet), which
  // zmq_bind itself never fails with: binding again tells the real reason.
  if (err == EAGAIN && monitoring_) {
    if (zmq_bind(socket, address.c_str()) == 0) return;
    err = zmq_errno();
  }
  ThrowErrno(info.Env(), err);
}

void Socket::Unbind(const Napi::CallbackInfo& info) {
  std::string address = info[0].As<Napi::String>();
  if (zmq_unbind(Checked(info.Env()), address.c_str()) != 0) ThrowErrno(info.Env());
}

void Socket::Connect(const Napi::CallbackInfo& info) {
  std::string address = info[0].As<Napi::String>();
  if (zmq_connect(Checked(info.Env()), address.c_str()) != 0) ThrowErrno(info.Env());
}

void Socket::Disconnect(const Napi::CallbackInfo& info) {
  std::string address = info[0].As<Napi::String>();
  if (zmq_disconnect(Checked(info.Env()), address.c_str()) != 0) ThrowErrno(info.Env());
}

Napi::Value Socket::GetOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* socket = Checked(env);
  int id = info[0].As<Napi::Number>().Int32Value();
  int kind = info[1].As<Napi::Number>().Int32Value();
  switch (kind) {
    case protocol::kOptionKindInt: {
      int value = 0;
      size_t size = sizeof(value);
      if (zmq_getsockopt(socket, id, &value, &size) != 0) ThrowErrno(env);
      return Napi::Number::New(env, value);
    }
    case protocol::kOptionKindInt64: {
      int64_t value = 0;
      size_t size = sizeof(value);
      if (zmq_getsockopt(socket, id, &value, &size) != 0) ThrowErrno(env);
      return Napi::Number::New(env, static_cast<double>(value));
    }
    case protocol::kOptionKindUint64: {
      uint64_t value = 0;
      size_t size = sizeof(value);
      if (zmq_getsockopt(socket, id, &value, &size) != 0) ThrowErrno(env);
      return Napi::Number::New(env, static_cast<double>(value));
    }
    case protocol::kOptionKindString:
    case protocol::kOptionKindBytes: {
      // The caller may ask for a specific size (CURVE keys: 32 bytes or 41 for Z85).
      size_t size = info[2].IsNumber() ? info[2].As<Napi::Number>().Uint32Value() : 4096;
      std::string value(size, '\0');
      if (zmq_getsockopt(socket, id, value.data(), &size) != 0) ThrowErrno(env);
      value.resize(size);
      if (kind == protocol::kOptionKindBytes)
        return Napi::Buffer<char>::Copy(env, value.data(), value.size());
      // libzmq includes the terminating NUL in string sizes.
      if (!value.empty() && value.back() == '\0') value.pop_back();
      return Napi::String::New(env, value);
    }
    default:
      throw Napi::TypeError::New(env, "unknown option kind");
  }
}

void Socket::SetOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* socket = Checked(env);
  int id = info[0].As<Napi::Number>().Int32Value();
  int kind = info[1].As<Napi::Number>().Int32Value();
  Napi::Value value = info[2];
  int rc;
  switch (kind) {
    case protocol::kOptionKindInt: {
      int v = value.IsBoolean() ? (value.As<Napi::Boolean>() ? 1 : 0)
                                : value.As<Napi::Number>().Int32Value();
      rc = zmq_setsockopt(socket, id, &v, sizeof(v));
      break;
    }
    case protocol::kOptionKindInt64: {
      int64_t v = value.As<Napi::Number>().Int64Value();
      rc = zmq_setsockopt(socket, id, &v, sizeof(v));
      break;
    }
    case protocol::kOptionKindUint64: {
      uint64_t v = static_cast<uint64_t>(value.As<Napi::Number>().DoubleValue());
      rc = zmq_setsockopt(socket, id, &v, sizeof(v));
      break;
    }
    case protocol::kOptionKindString:
    case protocol::kOptionKindBytes: {
      if (value.IsNull() || value.IsUndefined()) {
        rc = zmq_setsockopt(socket, id, nullptr, 0);
      } else if (value.IsString()) {
        std::string v = value.As<Napi::String>();
        rc = zmq_setsockopt(socket, id, v.data(), v.size());
      } else {
        Napi::Buffer<char> v = value.As<Napi::Buffer<char>>();
        rc = zmq_setsockopt(socket, id, v.Data(), v.Length());
      }
      break;
    }
    default:
      throw Napi::TypeError::New(env, "unknown option kind");
  }
  if (rc != 0) ThrowErrno(env);
}

Napi::Value Socket::Monitor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* socket = Checked(env);
  int rc;
  if (info[0].IsString()) {
    std::string address = info[0].As<Napi::String>();
    rc = zmq_socket_monitor(socket, address.c_str(), info[1].As<Napi::Number>().Int32Value());
  } else {
    rc = zmq_socket_monitor(socket, nullptr, 0);
  }
  if (rc != 0) ThrowErrno(env);
  monitoring_ = info[0].IsString();
  return env.Undefined();
}

void Socket::Join(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* socket = Checked(env);
#ifdef ZMQ_BUILD_DRAFT_API
  std::string group = info[0].As<Napi::String>();
  if (zmq_join(socket, group.c_str()) != 0) ThrowErrno(env);
#else
  (void)socket;
  ThrowErrno(env, ENOTSUP);
#endif
}

void Socket::Leave(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* socket = Checked(env);
#ifdef ZMQ_BUILD_DRAFT_API
  std::string group = info[0].As<Napi::String>();
  if (zmq_leave(socket, group.c_str()) != 0) ThrowErrno(env);
#else
  (void)socket;
  ThrowErrno(env, ENOTSUP);
#endif
}

Napi::Value Socket::ConnectPeer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* socket = Checked(env);
#ifdef ZMQ_BUILD_DRAFT_API
  std::string address = info[0].As<Napi::String>();
  uint32_t routing_id = zmq_connect_peer(socket, address.c_str());
  if (routing_id == 0) ThrowErrno(env);
  return Napi::Number::New(env, routing_id);
#else
  (void)socket;
  ThrowErrno(env, ENOTSUP);
#endif
}

}  // namespace zmqnapi
