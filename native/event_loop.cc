// Which event-loop integration an environment gets, chosen by runtime: finding libuv's symbols
// proves nothing (Bun exports them all, but its uv_poll_* abort the process; Deno's
// uv_poll_start calls back once). libuv on Node and Electron, the watcher thread on Bun, Deno
// and any other runtime. ZEROMQ_NAPI_EVENT_LOOP=uv or =thread forces either.
#include "event_loop.h"

#include <cstdlib>
#include <cstring>

#include "module.h"

namespace zmqnapi {

std::unique_ptr<EventLoop> CreateUvLoop(Napi::Env env, Module& module);
std::unique_ptr<EventLoop> CreateThreadLoop(Napi::Env env, Module& module, bool main_thread);

namespace {

/** `object[name]`, or undefined (never throws: the global object may be anything). */
napi_value Property(napi_env env, napi_value object, const char* name) {
  napi_value result = nullptr;
  napi_valuetype type;
  if (object == nullptr || napi_typeof(env, object, &type) != napi_ok ||
      (type != napi_object && type != napi_function) ||
      napi_get_named_property(env, object, name, &result) != napi_ok) {
    bool pending = false;
    napi_value ignored;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
      napi_get_and_clear_last_exception(env, &ignored);
    }
    napi_get_undefined(env, &result);
  }
  return result;
}

bool Defined(napi_env env, napi_value value) {
  napi_valuetype type;
  return value != nullptr && napi_typeof(env, value, &type) == napi_ok && type != napi_undefined &&
         type != napi_null;
}

bool IsTrue(napi_env env, napi_value value) {
  bool result = false;
  return Defined(env, value) && napi_get_value_bool(env, value, &result) == napi_ok && result;
}

enum class Runtime { kNode, kBun, kDeno, kOther };

Runtime Detect(napi_env env, napi_value global) {
  if (Defined(env, Property(env, global, "Bun"))) return Runtime::kBun;
  if (Defined(env, Property(env, global, "Deno"))) return Runtime::kDeno;
  napi_value versions = Property(env, Property(env, global, "process"), "versions");
  if (Defined(env, Property(env, versions, "node"))) return Runtime::kNode;
  return Runtime::kOther;
}

/**
 * Whether this environment is the runtime's main thread, where memory outlives every socket
 * (large sends may then skip the copy). Unsure means no.
 */
bool MainThread(napi_env env, napi_value global, Runtime runtime) {
  // Deno's and the web's workers have this class; Bun says it itself.
  if (Defined(env, Property(env, global, "WorkerGlobalScope"))) return false;
  if (runtime == Runtime::kBun) {
    return IsTrue(env, Property(env, Property(env, global, "Bun"), "isMainThread"));
  }
  return runtime == Runtime::kDeno;
}

}  // namespace

bool ExternalBuffersWork(Napi::Env env) {
  napi_value global = nullptr;
  if (napi_get_global(env, &global) != napi_ok) return true;
  return Detect(env, global) != Runtime::kDeno;
}

std::unique_ptr<EventLoop> CreateEventLoop(Napi::Env env, Module& module) {
  napi_value global = nullptr;
  if (napi_get_global(env, &global) != napi_ok) global = nullptr;
  Runtime runtime = Detect(env, global);
  const char* forced = std::getenv("ZEROMQ_NAPI_EVENT_LOOP");
  bool want_uv = runtime == Runtime::kNode;
  if (forced != nullptr && std::strcmp(forced, "thread") == 0) want_uv = false;
  if (forced != nullptr && std::strcmp(forced, "uv") == 0) want_uv = true;

  // Node's main thread is the default loop's; elsewhere the runtime's globals tell.
  std::unique_ptr<EventLoop> uv = CreateUvLoop(env, module);
  bool main_thread = runtime == Runtime::kNode ? uv != nullptr && uv->MainThread()
                                               : MainThread(env, global, runtime);
  if (want_uv && uv != nullptr) return uv;
  return CreateThreadLoop(env, module, main_thread);
}

}  // namespace zmqnapi
