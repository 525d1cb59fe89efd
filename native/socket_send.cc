#include <cstring>
#include <string>
#include <vector>

#include "module.h"
#include "socket.h"
#include "util/errors.h"

namespace zmqnapi {

namespace {

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

/** The bytes of a Buffer or other TypedArray; false for any other value. */
bool TypedArrayBytes(Napi::Env env, napi_value value, void** data, size_t* size) {
  bool is = false;
  if (napi_is_typedarray(env, value, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  size_t length;
  NAPI_THROW_IF_FAILED(
      env, napi_get_typedarray_info(env, value, &type, &length, data, nullptr, nullptr), false);
  *size = length * ElementSize(type);
  return true;
}

}  // namespace

void Socket::InitBytes(Napi::Env env, zmq_msg_t* msg, napi_value frame, void* data, size_t size,
                       uint32_t track) {
  if (size >= protocol::kSendZeroCopyMin && module_.zero_copy_sends) {
    module_.releases.InitZeroCopy(msg, frame, data, size, track);
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
  // kSendPackedMore set when another part of its message follows.
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
      size_t size = entry & ~protocol::kSendPackedMore;
      bool more = (entry & protocol::kSendPackedMore) != 0;
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

}  // namespace zmqnapi
