// Entry point: one Module (instance data) per environment.
#include <napi.h>

#include "context.h"
#include "library.h"
#include "module.h"
#include "proxy.h"
#include "socket.h"

namespace zmqnapi {

namespace {

void SetReadyHandler(const Napi::CallbackInfo& info) {
  Module::Of(info.Env()).ready_handler = Napi::Persistent(info[0].As<Napi::Function>());
}

void SetReleaseHandler(const Napi::CallbackInfo& info) {
  Module::Of(info.Env()).release_handler = Napi::Persistent(info[0].As<Napi::Function>());
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
  exports.Set("hasLibuv", Napi::Boolean::New(env, module->uv != nullptr));
  exports.Set("zeroCopySends", Napi::Boolean::New(env, module->zero_copy_sends));
  InitLibrary(env, exports);
  return exports;
}

}  // namespace zmqnapi

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  return zmqnapi::Init(env, exports);
}

NODE_API_MODULE(zeromq_napi, InitAddon)
