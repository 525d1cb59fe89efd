// A libzmq context. The shared default context is process-wide, so inproc
// endpoints work between worker threads; it is terminated when the last
// environment using it ends.
#pragma once

#include <napi.h>

namespace zmqnapi {

class Module;

class Context : public Napi::ObjectWrap<Context> {
 public:
  static Napi::Function Init(Napi::Env env);

  explicit Context(const Napi::CallbackInfo& info);
  ~Context() override;

  void* Handle() const { return handle_; }

  /** Ends this context when its environment ends: terminates it unless shared. */
  void Release(bool wait);

 private:
  Napi::Value GetOption(const Napi::CallbackInfo& info);
  void SetOption(const Napi::CallbackInfo& info);
  Napi::Value Terminate(const Napi::CallbackInfo& info);
  Napi::Value IsShared(const Napi::CallbackInfo& info);

  static void* AcquireShared();
  static void ReleaseShared();

  Module& module_;
  void* handle_ = nullptr;
  bool shared_ = false;
};

}  // namespace zmqnapi
