#include "socket.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "context.h"
#include "module.h"
#include "util/errors.h"

namespace zmqnapi {

namespace {

// Frames of at least this size are sent without copying (the JS buffer is held
// until libzmq releases the message).
constexpr size_t kZeroCopyMin = 64 * 1024;
// Received frames of at least this size become external buffers over libzmq's memory.
// An external buffer is freed only once V8 collects it, and its size counts as
// external memory, which makes V8 run full collections; a copy is freed in cheap
// young-generation collections, and libzmq gets its buffer back at once, still warm.
// So frames from kZeroCopyMin up to this size are copied when they come in bursts
// (tcp push/pull at 64 KiB: 0.91-1.1x native copied, 0.83-0.90x wrapped) and wrapped
// once a socket took kLoneCallsForWrapping receive calls in a row with one such frame
// each (request-reply at 64 KiB: round trips 120 us wrapped, 166 us copied, where the
// copy lands in fresh memory). From this size on, wrapping wins either way.
constexpr size_t kExternalMin = 128 * 1024;
constexpr uint32_t kLoneCallsForWrapping = 16;
// A receive call stops after the message in which its frames too large for the pool
// reach this many bytes: it bounds the memory one call allocates.
constexpr size_t kReceiveBytesMax = 4 * 1024 * 1024;
// Received frames up to this size are copied into the caller's pool buffer.
constexpr size_t kPoolFrameMax = 2048;
// sendPacked(): the bit of a frame's size entry that says another part follows.
constexpr uint32_t kPackedMore = 0x80000000u;

enum OptionKind : int32_t { kInt = 0, kInt64 = 1, kUint64 = 2, kString = 3, kBytes = 4 };

// V8 must not wrap the same memory twice, and libzmq shares one buffer between
// several messages (pub/sub fan-out over inproc, or a large frame sent straight back
// over inproc). So each wrapped pointer maps to a weak reference on its Buffer: the
// same environment gets that Buffer again (the same bytes), others get a copy.
// Process-wide, as worker threads share libzmq's memory but not V8's heap.
struct Wrapper {
  napi_env env;
  napi_ref ref;
};
std::mutex wrapped_mutex;
std::unordered_map<const void*, Wrapper> wrapped;

// ZEROMQ_NAPI_NO_EXTERNAL_BUFFERS=1 (read once, when the addon is loaded) receives large frames
// into copies, as where the runtime forbids external buffers (Electron): tests use it.
const bool external_buffers = [] {
  const char* value = std::getenv("ZEROMQ_NAPI_NO_EXTERNAL_BUFFERS");
  return value == nullptr || *value == '\0' || std::strcmp(value, "0") == 0;
}();

void FinalizeReceived(napi_env env, void* data, void* hint) {
  auto* msg = static_cast<zmq_msg_t*>(hint);
  napi_ref ref = nullptr;
  {
    std::lock_guard<std::mutex> lock(wrapped_mutex);
    auto it = wrapped.find(data);
    if (it != wrapped.end()) {
      ref = it->second.ref;
      wrapped.erase(it);
    }
  }
  if (ref != nullptr) napi_delete_reference(env, ref);
  zmq_msg_close(msg);
  delete msg;
}

napi_value FrameBuffer(napi_env env, zmq_msg_t* msg, size_t external_min) {
  void* data = zmq_msg_data(msg);
  size_t size = zmq_msg_size(msg);
  napi_value result;
  if (size >= external_min && external_buffers) {
    // Node-API is called outside the lock (a collection may run finalizers, which
    // take it). A pointer is reserved first, so that no two threads wrap it.
    Wrapper existing{nullptr, nullptr};
    bool reserved = false;
    {
      std::lock_guard<std::mutex> lock(wrapped_mutex);
      auto it = wrapped.find(data);
      if (it == wrapped.end()) {
        wrapped.emplace(data, Wrapper{env, nullptr});
        reserved = true;
      } else {
        existing = it->second;
      }
    }
    if (reserved) {
      auto* held = new zmq_msg_t;
      zmq_msg_init(held);
      zmq_msg_move(held, msg);
      if (napi_create_external_buffer(env, size, data, FinalizeReceived, held, &result) ==
          napi_ok) {
        napi_ref ref;
        if (napi_create_reference(env, result, 0, &ref) == napi_ok) {
          std::lock_guard<std::mutex> lock(wrapped_mutex);
          auto it = wrapped.find(data);
          if (it != wrapped.end()) it->second.ref = ref;
        }
        return result;
      }
      // External buffers are forbidden here (Electron's memory cage): copy.
      zmq_msg_move(msg, held);
      zmq_msg_close(held);
      delete held;
      std::lock_guard<std::mutex> lock(wrapped_mutex);
      wrapped.erase(data);
    } else if (existing.env == env && existing.ref != nullptr &&
               napi_get_reference_value(env, existing.ref, &result) == napi_ok &&
               result != nullptr) {
      // Still alive in this environment: hand out that Buffer, the same bytes.
      return result;
    }
  }
  void* copy;
  NAPI_THROW_IF_FAILED(env, napi_create_buffer_copy(env, size, data, &copy, &result), nullptr);
  return result;
}

size_t ElementSize(napi_typedarray_type type) {
  switch (type) {
    case napi_int16_array:
    case napi_uint16_array:
      return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      return 4;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array:
      return 8;
    default:
      return 1;
  }
}

}  // namespace

Napi::Function Socket::Init(Napi::Env env) {
  Napi::Function ctor =
      DefineClass(env, "Socket",
                  {
                      InstanceMethod<&Socket::Close>("close"),
                      InstanceMethod<&Socket::Bind>("bind"),
                      InstanceMethod<&Socket::Unbind>("unbind"),
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
  ctor.Set("zeroCopyMin", Napi::Number::New(env, kZeroCopyMin));
  ctor.Set("externalMin", Napi::Number::New(env, kExternalMin));
  ctor.Set("packedMore", Napi::Number::New(env, kPackedMore));
  ctor.Set("poolFrameMax", Napi::Number::New(env, kPoolFrameMax));
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
    Napi::Error error = ErrnoError(env, ETERM);
    error.Set("message", Napi::String::New(env, "Context is closed"));
    throw error;
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
    Napi::Error error = ErrnoError(info.Env(), EBADF);
    error.Set("message", Napi::String::New(info.Env(), "Socket is closed"));
    throw error;
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
    Napi::Error error = ErrnoError(env, lent_ ? EBUSY : EBADF);
    error.Set("message",
              Napi::String::New(env, lent_ ? "Socket is in use by a proxy" : "Socket is closed"));
    throw error;
  }
  return socket_;
}

void* Socket::Lend(Napi::Env env) {
  void* socket = Checked(env);
  if (poll_ != nullptr) module_.uv->poll_stop(poll_);
  SetReferenced(false);
  interest_ = 0;
  lent_ = true;
  return socket;
}

void Socket::Return() {
  if (!lent_) return;
  lent_ = false;
  if (poll_ != nullptr && socket_ != nullptr) module_.uv->poll_start(poll_, uv::kReadable, OnPoll);
}

void Socket::StopMonitor() {
  if (!monitoring_ || socket_ == nullptr || lent_) return;
  zmq_socket_monitor(socket_, nullptr, 0);
  monitoring_ = false;
}

void Socket::CloseNative() {
  StopMonitor();
  if (poll_ != nullptr) {
    // The handle's memory is freed by the close callback, which the module counts.
    poll_->data = &module_;
    module_.uv->close(poll_, OnClosed);
    poll_ = nullptr;
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

void Socket::OnClosed(uv::Handle* handle) {
  Module* module = static_cast<Module*>(handle->data);
  delete[] reinterpret_cast<char*>(handle);
  module->HandleClosed();
}

void Socket::Close(const Napi::CallbackInfo& info) {
  if (lent_) {
    Napi::Error error = ErrnoError(info.Env(), EBUSY);
    error.Set("message", Napi::String::New(info.Env(), "Socket is in use by a proxy"));
    throw error;
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
  if (zmq_bind(Checked(info.Env()), address.c_str()) != 0) ThrowErrno(info.Env());
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
    case kInt: {
      int value = 0;
      size_t size = sizeof(value);
      if (zmq_getsockopt(socket, id, &value, &size) != 0) ThrowErrno(env);
      return Napi::Number::New(env, value);
    }
    case kInt64: {
      int64_t value = 0;
      size_t size = sizeof(value);
      if (zmq_getsockopt(socket, id, &value, &size) != 0) ThrowErrno(env);
      return Napi::Number::New(env, static_cast<double>(value));
    }
    case kUint64: {
      uint64_t value = 0;
      size_t size = sizeof(value);
      if (zmq_getsockopt(socket, id, &value, &size) != 0) ThrowErrno(env);
      return Napi::Number::New(env, static_cast<double>(value));
    }
    case kString:
    case kBytes: {
      // The caller may ask for a specific size (CURVE keys: 32 bytes or 41 for Z85).
      size_t size = info[2].IsNumber() ? info[2].As<Napi::Number>().Uint32Value() : 4096;
      std::string value(size, '\0');
      if (zmq_getsockopt(socket, id, value.data(), &size) != 0) ThrowErrno(env);
      value.resize(size);
      if (kind == kBytes) return Napi::Buffer<char>::Copy(env, value.data(), value.size());
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
    case kInt: {
      int v = value.IsBoolean() ? (value.As<Napi::Boolean>() ? 1 : 0)
                                : value.As<Napi::Number>().Int32Value();
      rc = zmq_setsockopt(socket, id, &v, sizeof(v));
      break;
    }
    case kInt64: {
      int64_t v = value.As<Napi::Number>().Int64Value();
      rc = zmq_setsockopt(socket, id, &v, sizeof(v));
      break;
    }
    case kUint64: {
      uint64_t v = static_cast<uint64_t>(value.As<Napi::Number>().DoubleValue());
      rc = zmq_setsockopt(socket, id, &v, sizeof(v));
      break;
    }
    case kString:
    case kBytes: {
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

void Socket::StartPolling(Napi::Env env) {
  const uv::Api* uv = module_.uv;
  if (uv == nullptr) {
    throw Napi::Error::New(env,
                           "zeromq-napi needs libuv from the JavaScript runtime, which "
                           "this runtime does not export");
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
  size_t handle_size = uv->handle_size(uv::kHandleTypePoll);
  auto* handle = reinterpret_cast<uv::Handle*>(new char[handle_size]());
  int rc = uv->poll_init_socket(module_.loop, handle, fd);
  if (rc != 0) {
    delete[] reinterpret_cast<char*>(handle);
    throw Napi::Error::New(env, std::string("uv_poll_init_socket: ") + uv->strerror(rc));
  }
  handle->data = this;
  poll_ = handle;
  module_.HandleOpened();
  rc = uv->poll_start(handle, uv::kReadable, OnPoll);
  if (rc != 0) throw Napi::Error::New(env, std::string("uv_poll_start: ") + uv->strerror(rc));
  uv->unref(handle);
  referenced_ = false;
}

void Socket::SetReferenced(bool referenced) {
  if (poll_ == nullptr || referenced == referenced_) return;
  referenced_ = referenced;
  if (referenced) {
    module_.uv->ref(poll_);
  } else {
    module_.uv->unref(poll_);
  }
}

Napi::Value Socket::Wait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t interest = info[0].As<Napi::Number>().Uint32Value();
  bool drained = drained_;
  Checked(env);
  if (interest == 0) {
    // Nothing to wait for: reading ZMQ_EVENTS would cost libzmq a poll() for nothing.
    interest_ = 0;
    SetReferenced(false);
    return Napi::Number::New(env, 0);
  }
  if (poll_ == nullptr) StartPolling(env);
  if (drained && interest == kReadable && poller_ == nullptr) {
    // Reading ZMQ_EVENTS now would only repeat what the receive just found (and cost
    // libzmq a poll()): wait for the descriptor. Not for thread-safe sockets, whose
    // descriptor is a zmq_poller's: its signal says nothing about that receive.
    interest_ = interest;
    SetReferenced(true);
    return Napi::Number::New(env, 0);
  }
  uint32_t events = ReadEvents(env);
  if ((events & interest) != 0) interest = 0;  // ready now: the caller goes on without waiting
  interest_ = interest;
  SetReferenced(interest != 0);
  return Napi::Number::New(env, events);
}

void Socket::OnPoll(uv::Handle* handle, int status, int) {
  auto* self = static_cast<Socket*>(handle->data);
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
  self->SetReferenced(false);

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

bool Socket::TypedArrayBytes(Napi::Env env, napi_value value, void** data, size_t* size) {
  bool is = false;
  if (napi_is_typedarray(env, value, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  size_t length;
  NAPI_THROW_IF_FAILED(
      env, napi_get_typedarray_info(env, value, &type, &length, data, nullptr, nullptr), false);
  *size = length * ElementSize(type);
  return true;
}

void Socket::InitBytes(Napi::Env env, zmq_msg_t* msg, napi_value frame, void* data, size_t size,
                       uint32_t track) {
  if (size >= kZeroCopyMin && module_.zero_copy_sends) {
    module_.InitZeroCopy(msg, frame, data, size, track);
    return;
  }
  if (zmq_msg_init_size(msg, size) != 0) ThrowErrno(env);
  if (size > 0) memcpy(zmq_msg_data(msg), data, size);
}

void Socket::InitMessage(Napi::Env env, zmq_msg_t* msg, napi_value frame, uint32_t track) {
  void* data = nullptr;
  size_t size = 0;
  // Buffers and typed arrays first: the common case costs two Node-API calls.
  if (TypedArrayBytes(env, frame, &data, &size))
    return InitBytes(env, msg, frame, data, size, track);
  napi_valuetype type;
  NAPI_THROW_IF_FAILED_VOID(env, napi_typeof(env, frame, &type));
  if (type == napi_string) {
    NAPI_THROW_IF_FAILED_VOID(env, napi_get_value_string_utf8(env, frame, nullptr, 0, &size));
    // napi writes a terminating NUL, which must not become part of the message.
    std::string text(size + 1, '\0');
    NAPI_THROW_IF_FAILED_VOID(
        env, napi_get_value_string_utf8(env, frame, text.data(), text.size(), &size));
    if (zmq_msg_init_size(msg, size) != 0) ThrowErrno(env);
    if (size > 0) memcpy(zmq_msg_data(msg), text.data(), size);
    return;
  }
  bool is;
  if (napi_is_arraybuffer(env, frame, &is) == napi_ok && is) {
    NAPI_THROW_IF_FAILED_VOID(env, napi_get_arraybuffer_info(env, frame, &data, &size));
  } else if (napi_is_dataview(env, frame, &is) == napi_ok && is) {
    NAPI_THROW_IF_FAILED_VOID(env,
                              napi_get_dataview_info(env, frame, &size, &data, nullptr, nullptr));
  } else {
    throw Napi::TypeError::New(env,
                               "a message frame must be a Buffer, TypedArray, DataView, "
                               "ArrayBuffer or string");
  }
  InitBytes(env, msg, frame, data, size, track);
}

bool Socket::SendFrame(Napi::Env env, napi_value frame, int flags, uint32_t track) {
  zmq_msg_t msg;
  InitMessage(env, &msg, frame, track);
  return SendInitialized(env, &msg, flags);
}

bool Socket::SendInitialized(Napi::Env env, zmq_msg_t* msg, int flags) {
  while (zmq_msg_send(msg, socket_, flags | ZMQ_DONTWAIT) < 0) {
    int err = zmq_errno();
    if (err == EINTR) continue;
    zmq_msg_close(msg);
    if (err == EAGAIN) return false;
    ThrowErrno(env, err);
  }
  return true;
}

namespace {

// The frames of one multipart message, made before any is sent: a frame that cannot be
// made must not leave the earlier ones in libzmq, where they would become the start of
// whatever message is sent next. Closes what was not sent.
class Parts {
 public:
  explicit Parts(uint32_t count) : count_(count) {
    if (count > kInline) heap_.resize(count);
  }
  ~Parts() {
    for (uint32_t i = sent_; i < made_; i++) zmq_msg_close(&At(i));
  }
  Parts(const Parts&) = delete;
  Parts& operator=(const Parts&) = delete;

  uint32_t count() const { return count_; }
  zmq_msg_t& At(uint32_t i) { return count_ > kInline ? heap_[i] : inline_[i]; }
  /** Records that At(made()) was initialised. */
  void Made() { made_++; }
  /** Records that At(sent()) went to libzmq, which owns it now. */
  void Sent() { sent_++; }
  uint32_t sent() const { return sent_; }

 private:
  static constexpr uint32_t kInline = 8;
  uint32_t count_;
  uint32_t made_ = 0;
  uint32_t sent_ = 0;
  zmq_msg_t inline_[kInline];
  std::vector<zmq_msg_t> heap_;
};

}  // namespace

bool Socket::SendMessage(Napi::Env env, napi_value message, uint32_t track) {
  // The common case first: one Buffer (or other typed array).
  void* data;
  size_t size;
  if (TypedArrayBytes(env, message, &data, &size)) {
    zmq_msg_t msg;
    InitBytes(env, &msg, message, data, size, track);
    return SendInitialized(env, &msg, 0);
  }
  bool is_array = false;
  napi_is_array(env, message, &is_array);
  if (!is_array) return SendFrame(env, message, 0, track);
  uint32_t count;
  NAPI_THROW_IF_FAILED(env, napi_get_array_length(env, message, &count), false);
  Parts parts(count);
  for (uint32_t i = 0; i < count; i++) {
    napi_value part;
    NAPI_THROW_IF_FAILED(env, napi_get_element(env, message, i, &part), false);
    InitMessage(env, &parts.At(i), part, track);
    parts.Made();
  }
  for (uint32_t i = 0; i < count; i++) {
    int flags = (i + 1 < count ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT;
    while (zmq_msg_send(&parts.At(i), socket_, flags) < 0) {
      int err = zmq_errno();
      if (err == EINTR) continue;
      // libzmq accepts every later part once it accepted the first one.
      if (err == EAGAIN && i == 0) return false;
      ThrowErrno(env, err);
    }
    parts.Sent();
  }
  return true;
}

Napi::Value Socket::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Checked(env);
  // A track id tags the zero-copy frames, whose release is then reported to JS.
  uint32_t track = info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0;
  return Napi::Boolean::New(env, SendMessage(env, info[0], track));
}

Napi::Value Socket::SendPacked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Checked(env);
  // Small frames packed back to back by the caller into the buffers of setSendBuffers():
  // one call and no Node-API work per frame. sizes[i] is a frame's length, with
  // kPackedMore set when another part of its message follows.
  if (pack_sizes_ == nullptr) throw Napi::Error::New(env, "send buffers are not set");
  uint32_t frames = info[0].As<Napi::Number>().Uint32Value();
  if (frames > pack_sizes_length_) throw Napi::RangeError::New(env, "frame count out of range");
  const uint8_t* bytes = pack_data_;
  const uint32_t* sizes = pack_sizes_;
  size_t available = pack_data_size_;
  size_t offset = 0;
  uint32_t messages = 0;
  bool first = true;
  try {
    for (uint32_t i = 0; i < frames; i++) {
      uint32_t entry = sizes[i];
      size_t size = entry & ~kPackedMore;
      bool more = (entry & kPackedMore) != 0;
      if (size > available - offset) {
        throw Napi::RangeError::New(env, "frame sizes exceed the data");
      }
      zmq_msg_t msg;
      if (zmq_msg_init_size(&msg, size) != 0) ThrowErrno(env);
      if (size > 0) memcpy(zmq_msg_data(&msg), bytes + offset, size);
      offset += size;
      if (!SendInitialized(env, &msg, more ? ZMQ_SNDMORE : 0)) {
        // libzmq accepts every later part once it accepted the first one.
        if (first) break;
        ThrowErrno(env, EAGAIN);
      }
      first = !more;
      if (!more) messages++;
    }
  } catch (const Napi::Error&) {
    // Report what was sent; the failing message fails again on the next call.
    if (messages == 0) throw;
  }
  return Napi::Number::New(env, messages);
}

Napi::Value Socket::SendMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Checked(env);
  napi_value list = info[0];
  uint32_t start = info[1].As<Napi::Number>().Uint32Value();
  uint32_t end = info[2].As<Napi::Number>().Uint32Value();
  uint32_t i = start;
  try {
    for (; i < end; i++) {
      napi_value message;
      NAPI_THROW_IF_FAILED(env, napi_get_element(env, list, i, &message), Napi::Value());
      if (!SendMessage(env, message)) break;
    }
  } catch (const Napi::Error&) {
    // Report what was sent; the failing message fails again on the next call.
    if (i == start) throw;
  }
  return Napi::Number::New(env, i - start);
}

Napi::Value Socket::SendDraft(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Checked(env);
#ifdef ZMQ_BUILD_DRAFT_API
  zmq_msg_t msg;
  InitMessage(env, &msg, info[0]);
  int rc = 0;
  if (info[1].IsNumber())
    rc = zmq_msg_set_routing_id(&msg, info[1].As<Napi::Number>().Uint32Value());
  if (rc == 0 && info[2].IsString()) {
    std::string group = info[2].As<Napi::String>();
    rc = zmq_msg_set_group(&msg, group.c_str());
  }
  if (rc != 0) {
    int err = zmq_errno();
    zmq_msg_close(&msg);
    ThrowErrno(env, err);
  }
  while (zmq_msg_send(&msg, socket_, ZMQ_DONTWAIT) < 0) {
    int err = zmq_errno();
    if (err == EINTR) continue;
    zmq_msg_close(&msg);
    if (err == EAGAIN) return Napi::Boolean::New(env, false);
    ThrowErrno(env, err);
  }
  return Napi::Boolean::New(env, true);
#else
  ThrowErrno(env, ENOTSUP);
#endif
}

void Socket::SetMetadata(const Napi::CallbackInfo& info) {
  metadata_names_.clear();
  if (!info[0].IsArray()) return;
  Napi::Array names = info[0].As<Napi::Array>();
  for (uint32_t i = 0; i < names.Length(); i++) {
    metadata_names_.push_back(names.Get(i).As<Napi::String>());
  }
}

void Socket::SetSendBuffers(const Napi::CallbackInfo& info) {
  Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
  Napi::Uint32Array sizes = info[1].As<Napi::Uint32Array>();
  pack_data_ref_ = Napi::Persistent(data);
  pack_sizes_ref_ = Napi::Persistent(sizes);
  pack_data_ = data.Data();
  pack_data_size_ = data.ByteLength();
  pack_sizes_ = sizes.Data();
  pack_sizes_length_ = sizes.ElementLength();
}

void Socket::SetReceiveBuffers(const Napi::CallbackInfo& info) {
  Napi::Uint32Array meta = info[0].As<Napi::Uint32Array>();
  meta_ref_ = Napi::Persistent(meta);
  meta_ = meta.Data();
  meta_frames_ = meta.ElementLength() / 3;
  extras_ref_ = Napi::Persistent(info[1].As<Napi::Object>());
}

Napi::Value Socket::Receive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Checked(env);
  if (meta_ == nullptr) throw Napi::Error::New(env, "receive buffers are not set");
  Napi::Buffer<uint8_t> pool = info[0].As<Napi::Buffer<uint8_t>>();
  size_t offset = info[1].As<Napi::Number>().Uint32Value();
  uint32_t max_messages = info[2].As<Napi::Number>().Uint32Value();
  uint8_t* pool_data = pool.Data();
  size_t pool_size = pool.Length();
  napi_value extras = extras_ref_.Value();
  uint32_t extra_count = 0;
#ifdef ZMQ_BUILD_DRAFT_API
  bool grouped = type_ == ZMQ_DISH || type_ == ZMQ_RADIO;
#endif

  uint32_t frames = 0;
  uint32_t messages = 0;
  size_t extra_bytes = 0;
  uint32_t extra_frames = 0;
  while (messages < max_messages && frames < meta_frames_) {
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, socket_, ZMQ_DONTWAIT) < 0) {
      int err = zmq_errno();
      zmq_msg_close(&msg);
      if (err == EINTR) continue;
      if (err == EAGAIN) {
        drained_ = true;
        break;
      }
      // An error after some frames surfaces on the next call.
      if (frames > 0) break;
      ThrowErrno(env, err);
    }
    size_t size = zmq_msg_size(&msg);
    uint32_t flags = zmq_msg_more(&msg) ? kFrameMore : 0;
    uint32_t* entry = meta_ + 3 * frames;
#ifdef ZMQ_BUILD_DRAFT_API
    entry[2] = zmq_msg_routing_id(&msg);
#else
    entry[2] = 0;
#endif
    // Read what belongs to the message before FrameBuffer may move it away.
    napi_value group_value = nullptr;
#ifdef ZMQ_BUILD_DRAFT_API
    if (grouped) {
      const char* group = zmq_msg_group(&msg);
      if (group != nullptr && group[0] != '\0') group_value = Napi::String::New(env, group);
    }
#endif
    napi_value metadata_value = nullptr;
    // Properties belong to the connection: one object per message, from its first frame.
    if (!in_message_ && !metadata_names_.empty()) {
      Napi::Object metadata = Napi::Object::New(env);
      for (const std::string& name : metadata_names_) {
        const char* value = zmq_msg_gets(&msg, name.c_str());
        if (value != nullptr) metadata.Set(name, Napi::String::New(env, value));
      }
      metadata_value = metadata;
    }

    // The extras array holds, in this order: the frame's buffer, its group, its metadata.
    bool pool_full = false;
    if (size <= kPoolFrameMax && size <= pool_size - offset) {
      memcpy(pool_data + offset, zmq_msg_data(&msg), size);
      offset += size;
    } else {
      // A small frame that no longer fits ends the batch: the caller starts a new
      // pool, rather than every later frame paying for a buffer of its own.
      pool_full = size <= kPoolFrameMax;
      napi_value buffer;
      try {
        bool burst = extra_bytes > 0 || lone_large_calls_ < kLoneCallsForWrapping;
        buffer = FrameBuffer(env, &msg, burst ? kExternalMin : kZeroCopyMin);
      } catch (...) {
        zmq_msg_close(&msg);
        throw;
      }
      napi_set_element(env, extras, extra_count++, buffer);
      flags |= kFrameExtra;
    }
    if (group_value != nullptr) {
      napi_set_element(env, extras, extra_count++, group_value);
      flags |= kFrameGroup;
    }
    if (metadata_value != nullptr) {
      napi_set_element(env, extras, extra_count++, metadata_value);
      flags |= kFrameMetadata;
    }
    in_message_ = (flags & kFrameMore) != 0;
    entry[0] = static_cast<uint32_t>(size);
    entry[1] = flags;
    zmq_msg_close(&msg);
    frames++;
    if ((flags & kFrameMore) == 0) messages++;
    if (pool_full) break;
    if ((flags & kFrameExtra) != 0) {
      extra_frames++;
      extra_bytes += size;
      if (extra_bytes >= kReceiveBytesMax && !in_message_) break;
    }
  }
  if (extra_frames > 1) {
    lone_large_calls_ = 0;
  } else if (extra_frames == 1 && lone_large_calls_ < kLoneCallsForWrapping) {
    lone_large_calls_++;
  }
  return Napi::Number::New(env, frames);
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
