// Errors thrown by the native layer: the library's own ZmqError (the TypeScript layer hands
// its class over at load: setErrorClass), with `code` (the errno name), `errno` and the
// message. Before that, a plain Error with the same properties.
#pragma once

#include <napi.h>
#include <zmq.h>

#include <cerrno>

// The errno names the addon reports, libzmq's own (EFSM, ETERM, ...) included. The table of
// numbers the addon exports (`errnos`) comes from this list too, so the TypeScript layer
// knows this platform's numbers without a table of its own.
#define ZMQ_NAPI_ERRNOS(X) \
  X(EAGAIN)                \
  X(EINTR)                 \
  X(EINVAL)                \
  X(EFAULT)                \
  X(ENOMEM)                \
  X(EMFILE)                \
  X(EBADF)                 \
  X(ENOENT)                \
  X(ENODEV)                \
  X(EACCES)                \
  X(EPERM)                 \
  X(EBUSY)                 \
  X(ENOTSUP)               \
  X(EPROTONOSUPPORT)       \
  X(ENOBUFS)               \
  X(ENETDOWN)              \
  X(EADDRINUSE)            \
  X(EADDRNOTAVAIL)         \
  X(ECONNREFUSED)          \
  X(EINPROGRESS)           \
  X(ENOTSOCK)              \
  X(EMSGSIZE)              \
  X(EAFNOSUPPORT)          \
  X(ENETUNREACH)           \
  X(ECONNABORTED)          \
  X(ECONNRESET)            \
  X(ENOTCONN)              \
  X(ETIMEDOUT)             \
  X(EHOSTUNREACH)          \
  X(ENETRESET)             \
  X(EFSM)                  \
  X(ENOCOMPATPROTO)        \
  X(ETERM)                 \
  X(EMTHREAD)

namespace zmqnapi {

/** The symbolic name of an errno value returned by libzmq, or "UNKNOWN". */
const char* ErrnoName(int err);

/** `{EAGAIN: 11, …}`: the numbers of every name in ZMQ_NAPI_ERRNOS on this platform. */
Napi::Object ErrnoTable(Napi::Env env);

/** The message for errno `err`: zeromq v6's text (libzmq's, with a few clearer ones). */
const char* ErrnoMessage(int err);

/** The error for errno `err`, with ErrnoMessage's text unless `message` is given. */
Napi::Error ErrnoError(Napi::Env env, int err, const char* message = nullptr);

/** Throws the error for `err` (by default the current libzmq errno). */
[[noreturn]] void ThrowErrno(Napi::Env env, int err = zmq_errno(), const char* message = nullptr);

}  // namespace zmqnapi
