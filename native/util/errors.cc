#include "errors.h"

#include "../module.h"

namespace zmqnapi {

const char* ErrnoName(int err) {
  switch (err) {
#define ZMQ_NAPI_ERRNO_CASE(name) \
  case name:                      \
    return #name;
    ZMQ_NAPI_ERRNOS(ZMQ_NAPI_ERRNO_CASE)
#undef ZMQ_NAPI_ERRNO_CASE
    default:
      return "UNKNOWN";
  }
}

Napi::Object ErrnoTable(Napi::Env env) {
  Napi::Object table = Napi::Object::New(env);
#define ZMQ_NAPI_ERRNO_ENTRY(name) table.Set(#name, Napi::Number::New(env, name));
  ZMQ_NAPI_ERRNOS(ZMQ_NAPI_ERRNO_ENTRY)
#undef ZMQ_NAPI_ERRNO_ENTRY
  return table;
}

const char* ErrnoMessage(int err) {
  // zeromq v6's texts, so code written against v6 sees the same messages: a few clearer
  // than libzmq's own (ENOENT from unbind/disconnect is "No such endpoint", not a file),
  // and EADDRINUSE the same on every platform.
  switch (err) {
    case EFAULT:
      return "Context is closed";
    case EAGAIN:
      return "Operation was not possible or timed out";
    case EMFILE:
      return "Too many open file descriptors";
    case ENOENT:
      return "No such endpoint";
    case EBUSY:
      return "Socket is busy";
    case EBADF:
      return "Socket is closed";
    case EADDRINUSE:
      return "Address already in use";
    default:
      return zmq_strerror(err);
  }
}

Napi::Error ErrnoError(Napi::Env env, int err, const char* message) {
  Napi::String text = Napi::String::New(env, message != nullptr ? message : ErrnoMessage(err));
  Napi::String code = Napi::String::New(env, ErrnoName(err));
  Napi::Number number = Napi::Number::New(env, err);
  Module* module = env.GetInstanceData<Module>();
  if (module != nullptr && !module->error_class.IsEmpty()) {
    Napi::Object error = module->error_class.New({text, code, number});
    return Napi::Error(env, error);
  }
  Napi::Error error = Napi::Error::New(env, text);
  error.Set("code", code);
  error.Set("errno", number);
  return error;
}

void ThrowErrno(Napi::Env env, int err, const char* message) {
  throw ErrnoError(env, err, message);
}

}  // namespace zmqnapi
