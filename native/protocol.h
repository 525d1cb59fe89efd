// The protocol between the addon and its TypeScript layer: every number both sides must
// agree on, declared once here. The C++ constants below, the `protocol` object the addon
// exports at load, and lib/generated/protocol.ts (`npm run gen:protocol`) all come from this
// list; test/unit/protocol.test.ts checks that the three agree.
//
// X(group, name, value, description): `value` is an integer literal expression.
#pragma once

#include <cstdint>

// clang-format off
#define ZMQ_NAPI_PROTOCOL(X)                                                                             \
  X(Event, Readable, 1, "Interest of wait(), bit of events(): a message can be received")                \
  X(Event, Writable, 2, "Interest of wait(), bit of events(): a message can be sent")                    \
  X(Frame, More, 1, "Receive table flag: another frame of the same message follows")                     \
  X(Frame, Extra, 2, "Receive table flag: the frame's bytes are the next extras entry")                  \
  X(Frame, Group, 4, "Receive table flag: a group string follows in the extras")                         \
  X(Frame, Metadata, 8, "Receive table flag: a metadata object follows (first frames only)")             \
  X(Receive, FieldsPerFrame, 3, "Entries per frame in the receive table: size, flags, routing id")         \
  X(Receive, PoolFrameMax, 2048, "Received frames up to this size are copied into the pool chunk")       \
  X(Receive, ExternalMin, 128 * 1024, "Received frames from this size on are external buffers")          \
  X(Send, ZeroCopyMin, 64 * 1024, "Frames from this size on are sent without copying (main thread)")     \
  X(Send, PackedMore, 0x80000000, "Bit of a packed size entry: another part of the message follows")     \
  X(OptionKind, Int, 0, "An option value passed as int")                                                 \
  X(OptionKind, Int64, 1, "An option value passed as int64_t")                                           \
  X(OptionKind, Uint64, 2, "An option value passed as uint64_t")                                         \
  X(OptionKind, String, 3, "An option value passed as a string")                                         \
  X(OptionKind, Bytes, 4, "An option value passed as bytes")
// clang-format on

namespace zmqnapi::protocol {

#define ZMQ_NAPI_PROTOCOL_CONSTANT(group, name, value, description) \
  constexpr uint32_t k##group##name = value;
ZMQ_NAPI_PROTOCOL(ZMQ_NAPI_PROTOCOL_CONSTANT)
#undef ZMQ_NAPI_PROTOCOL_CONSTANT

}  // namespace zmqnapi::protocol
