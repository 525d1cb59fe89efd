// Entry point: one Module (instance data) per environment, and what the addon exports.
#include <napi.h>

#include "context.h"
#include "library.h"
#include "module.h"
#include "protocol.h"
#include "proxy.h"
#include "socket.h"
#include "util/errors.h"

namespace zmqnapi {

namespace {

void SetReadyHandler(const Napi::CallbackInfo& info) {
  Module::Of(info.Env()).ready_handler = Napi::Persistent(info[0].As<Napi::Function>());
}

void SetReleaseHandler(const Napi::CallbackInfo& info) {
  Module::Of(info.Env()).releases.handler = Napi::Persistent(info[0].As<Napi::Function>());
}

void SetErrorClass(const Napi::CallbackInfo& info) {
  Module::Of(info.Env()).error_class = Napi::Persistent(info[0].As<Napi::Function>());
}

/** The protocol constants as the addon was compiled with them: {Group: {Name: value}}. */
Napi::Object Protocol(Napi::Env env) {
  Napi::Object protocol = Napi::Object::New(env);
#define ZMQ_NAPI_PROTOCOL_EXPORT(group, name, value, description)          \
  if (!protocol.Has(#group)) protocol.Set(#group, Napi::Object::New(env)); \
  protocol.Get(#group).As<Napi::Object>().Set(#name,                       \
                                              Napi::Number::New(env, protocol::k##group##name));
  ZMQ_NAPI_PROTOCOL(ZMQ_NAPI_PROTOCOL_EXPORT)
#undef ZMQ_NAPI_PROTOCOL_EXPORT
  return protocol;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* module = new Module(env);
  napi_status status = napi_set_instance_data(env, module, Module::Finalize, nullptr);
  if (status != napi_ok) {
    delete module;
    NAPI_THROW_IF_FAILED(env, status, exports);
  }
  module->Start();

  Napi::Function context = Context::Init(env);
  module->context_constructor = Napi::Persistent(context);
  exports.Set("Context", context);

  Napi::Function socket = Socket::Init(env);
  module->socket_constructor = Napi::Persistent(socket);
  exports.Set("Socket", socket);

  exports.Set("Proxy", Proxy::Init(env));

  exports.Set("setReadyHandler", Napi::Function::New<SetReadyHandler>(env, "setReadyHandler"));
  exports.Set("setReleaseHandler",
              Napi::Function::New<SetReleaseHandler>(env, "setReleaseHandler"));
  exports.Set("setErrorClass", Napi::Function::New<SetErrorClass>(env, "setErrorClass"));
  exports.Set("protocol", Protocol(env));
  exports.Set("errnos", ErrnoTable(env));
  exports.Set("eventLoop", module->loop != nullptr
                               ? Napi::Value(Napi::String::New(env, module->loop->Name()))
                               : env.Null());
  exports.Set("zeroCopySends", Napi::Boolean::New(env, module->zero_copy_sends));
  InitLibrary(env, exports);
  return exports;
}

}  // namespace zmqnapi

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  return zmqnapi::Init(env, exports);
}

NODE_API_MODULE(zeromq_napi, InitAddon)
