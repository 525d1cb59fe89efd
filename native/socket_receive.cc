#include <cstdint>
#include <cstring>
#include <string>

#include "module.h"
#include "socket.h"
#include "util/errors.h"
#include "zero_copy.h"

namespace zmqnapi {

namespace {

// Received frames of at least protocol::kReceiveExternalMin bytes become external buffers
// over libzmq's memory. An external buffer is freed only once V8 collects it, and its size
// counts as external memory, which makes V8 run full collections; a copy is freed in cheap
// young-generation collections, and libzmq gets its buffer back at once, still warm. So
// frames from kSendZeroCopyMin up to that size are copied when they come in bursts (tcp
// push/pull at 64 KiB: 0.91-1.1x native copied, 0.83-0.90x wrapped) and wrapped once a
// socket took kLoneCallsForWrapping receive calls in a row with one such frame each
// (request-reply at 64 KiB: round trips 120 us wrapped, 166 us copied, where the copy lands
// in fresh memory). From kReceiveExternalMin on, wrapping wins either way; and so it does
// for the memory of a frame this environment sent without copying, which arrives as it is
// over inproc (push/pull at 64 KiB: 1.52 M msg/s wrapped, 152 k copied).
constexpr size_t kLoneFrameExternalMin = protocol::kSendZeroCopyMin;
constexpr uint32_t kLoneCallsForWrapping = 16;
// A receive call stops after the message in which its frames too large for the pool
// reach this many bytes: it bounds the memory one call allocates.
constexpr size_t kReceiveBytesMax = 4 * 1024 * 1024;

}  // namespace

void Socket::SetMetadata(const Napi::CallbackInfo& info) {
  metadata_names_.clear();
  if (!info[0].IsArray()) return;
  Napi::Array names = info[0].As<Napi::Array>();
  for (uint32_t i = 0; i < names.Length(); i++) {
    metadata_names_.push_back(names.Get(i).As<Napi::String>());
  }
}

void Socket::SetReceiveBuffers(const Napi::CallbackInfo& info) {
  Napi::Uint32Array meta = info[0].As<Napi::Uint32Array>();
  meta_ref_ = Napi::Persistent(meta);
  meta_ = meta.Data();
  meta_frames_ = meta.ElementLength() / protocol::kReceiveFieldsPerFrame;
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
    uint32_t flags = zmq_msg_more(&msg) ? protocol::kFrameMore : 0;
    uint32_t* entry = meta_ + protocol::kReceiveFieldsPerFrame * frames;
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
    if (size <= protocol::kReceivePoolFrameMax && size <= pool_size - offset) {
      memcpy(pool_data + offset, zmq_msg_data(&msg), size);
      offset += size;
    } else {
      // A small frame that no longer fits ends the batch: the caller starts a new
      // pool, rather than every later frame paying for a buffer of its own.
      pool_full = size <= protocol::kReceivePoolFrameMax;
      napi_value buffer;
      try {
        // Memory this environment sent without copying (over inproc) is wrapped whatever
        // the pattern: copying it would cost what sending it without a copy saved.
        bool burst = (extra_bytes > 0 || lone_large_calls_ < kLoneCallsForWrapping) &&
                     !module_.releases.Sent(zmq_msg_data(&msg));
        size_t external_min = !module_.external_frames ? SIZE_MAX
                              : burst                  ? protocol::kReceiveExternalMin
                                                       : kLoneFrameExternalMin;
        buffer = ReceivedFrame(env, &msg, external_min);
      } catch (...) {
        zmq_msg_close(&msg);
        throw;
      }
      napi_set_element(env, extras, extra_count++, buffer);
      flags |= protocol::kFrameExtra;
    }
    if (group_value != nullptr) {
      napi_set_element(env, extras, extra_count++, group_value);
      flags |= protocol::kFrameGroup;
    }
    if (metadata_value != nullptr) {
      napi_set_element(env, extras, extra_count++, metadata_value);
      flags |= protocol::kFrameMetadata;
    }
    in_message_ = (flags & protocol::kFrameMore) != 0;
    entry[0] = static_cast<uint32_t>(size);
    entry[1] = flags;
    zmq_msg_close(&msg);
    frames++;
    if ((flags & protocol::kFrameMore) == 0) messages++;
    if (pool_full) break;
    if ((flags & protocol::kFrameExtra) != 0) {
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

}  // namespace zmqnapi
