// Errors thrown by the native layer: a plain Error with `code` (the errno name)
// and `errno`. The TypeScript layer turns them into ZmqError.
#pragma once

#include <napi.h>
#include <zmq.h>

#include <cerrno>

namespace zmqnapi {

/** The symbolic name of an errno value returned by libzmq, or "UNKNOWN". */
inline const char* ErrnoName(int err) {
  switch (err) {
#define ZMQ_NAPI_ERRNO(name) \
  case name:                 \
    return #name;
    ZMQ_NAPI_ERRNO(EAGAIN)
    ZMQ_NAPI_ERRNO(EINTR)
    ZMQ_NAPI_ERRNO(EINVAL)
    ZMQ_NAPI_ERRNO(EFAULT)
    ZMQ_NAPI_ERRNO(ENOMEM)
    ZMQ_NAPI_ERRNO(EMFILE)
    ZMQ_NAPI_ERRNO(EBADF)
    ZMQ_NAPI_ERRNO(ENOENT)
    ZMQ_NAPI_ERRNO(ENODEV)
    ZMQ_NAPI_ERRNO(EACCES)
    ZMQ_NAPI_ERRNO(EPERM)
    ZMQ_NAPI_ERRNO(EBUSY)
    ZMQ_NAPI_ERRNO(ENOTSUP)
    ZMQ_NAPI_ERRNO(EPROTONOSUPPORT)
    ZMQ_NAPI_ERRNO(ENOBUFS)
    ZMQ_NAPI_ERRNO(ENETDOWN)
    ZMQ_NAPI_ERRNO(EADDRINUSE)
    ZMQ_NAPI_ERRNO(EADDRNOTAVAIL)
    ZMQ_NAPI_ERRNO(ECONNREFUSED)
    ZMQ_NAPI_ERRNO(EINPROGRESS)
    ZMQ_NAPI_ERRNO(ENOTSOCK)
    ZMQ_NAPI_ERRNO(EMSGSIZE)
    ZMQ_NAPI_ERRNO(EAFNOSUPPORT)
    ZMQ_NAPI_ERRNO(ENETUNREACH)
    ZMQ_NAPI_ERRNO(ECONNABORTED)
    ZMQ_NAPI_ERRNO(ECONNRESET)
    ZMQ_NAPI_ERRNO(ENOTCONN)
    ZMQ_NAPI_ERRNO(ETIMEDOUT)
    ZMQ_NAPI_ERRNO(EHOSTUNREACH)
    ZMQ_NAPI_ERRNO(ENETRESET)
    ZMQ_NAPI_ERRNO(EFSM)
    ZMQ_NAPI_ERRNO(ENOCOMPATPROTO)
    ZMQ_NAPI_ERRNO(ETERM)
    ZMQ_NAPI_ERRNO(EMTHREAD)
#undef ZMQ_NAPI_ERRNO
    default:
      return "UNKNOWN";
  }
}

inline Napi::Error ErrnoError(Napi::Env env, int err) {
  Napi::Error error = Napi::Error::New(env, zmq_strerror(err));
  error.Set("code", Napi::String::New(env, ErrnoName(err)));
  error.Set("errno", Napi::Number::New(env, err));
  return error;
}

/** Throws the error for the current libzmq errno. */
[[noreturn]] inline void ThrowErrno(Napi::Env env, int err = zmq_errno()) {
  throw ErrnoError(env, err);
}

}  // namespace zmqnapi
