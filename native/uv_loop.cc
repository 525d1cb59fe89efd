// The event-loop integration for runtimes with a usable libuv (Node, Electron): one
// uv_poll handle per socket, started once and left running. ZMQ_FD stays readable until
// libzmq processes its commands, so every signal is handed to the socket (which reads
// ZMQ_EVENTS) even when nothing waits, or the loop would spin; arming only references the
// handle, which keeps the loop alive.
#include <string>

#include "event_loop.h"
#include "module.h"

namespace zmqnapi {

namespace {

class UvWatch : public Watch {
 public:
  UvWatch(const uv::Api* uv, Module& module, uv::Handle* handle, Watcher* watcher)
      : uv_(uv), module_(module), handle_(handle), watcher_(watcher) {
    handle_->data = this;
  }

  void Arm() override { SetReferenced(true); }
  void Disarm() override { SetReferenced(false); }
  void Suspend() override {
    uv_->poll_stop(handle_);
    SetReferenced(false);
  }
  void Resume() override { uv_->poll_start(handle_, uv::kReadable, OnPoll); }

  void Close() override {
    // libuv frees the handle's memory only in the close callback, which the module counts
    // (teardown waits for it).
    handle_->data = &module_;
    uv_->close(handle_, OnClosed);
    delete this;
  }

  static void OnPoll(uv::Handle* handle, int status, int) {
    static_cast<UvWatch*>(handle->data)->watcher_->OnSignal(status);
  }

 private:
  static void OnClosed(uv::Handle* handle) {
    Module* module = static_cast<Module*>(handle->data);
    delete[] reinterpret_cast<char*>(handle);
    module->HandleClosed();
  }

  void SetReferenced(bool referenced) {
    if (referenced == referenced_) return;
    referenced_ = referenced;
    if (referenced) {
      uv_->ref(handle_);
    } else {
      uv_->unref(handle_);
    }
  }

  const uv::Api* uv_;
  Module& module_;
  uv::Handle* handle_;
  Watcher* watcher_;
  bool referenced_ = false;
};

class UvLoop : public EventLoop {
 public:
  UvLoop(const uv::Api* uv, void* loop, Module& module)
      : uv_(uv), loop_(loop), module_(module), main_thread_(loop == uv->default_loop()) {}

  Watch* Start(Napi::Env env, uv::OsSocket fd, Watcher* watcher) override {
    size_t handle_size = uv_->handle_size(uv::kHandleTypePoll);
    auto* handle = reinterpret_cast<uv::Handle*>(new char[handle_size]());
    int rc = uv_->poll_init_socket(loop_, handle, fd);
    if (rc != 0) {
      delete[] reinterpret_cast<char*>(handle);
      throw Napi::Error::New(env, std::string("uv_poll_init_socket: ") + uv_->strerror(rc));
    }
    module_.HandleOpened();
    auto* watch = new UvWatch(uv_, module_, handle, watcher);
    rc = uv_->poll_start(handle, uv::kReadable, UvWatch::OnPoll);
    if (rc != 0) {
      watch->Close();
      throw Napi::Error::New(env, std::string("uv_poll_start: ") + uv_->strerror(rc));
    }
    uv_->unref(handle);
    return watch;
  }

  const char* Name() const override { return "libuv"; }
  bool MainThread() const override { return main_thread_; }

 private:
  const uv::Api* uv_;
  void* loop_;
  Module& module_;
  bool main_thread_;
};

}  // namespace

std::unique_ptr<EventLoop> CreateUvLoop(Napi::Env env, Module& module) {
  const uv::Api* uv = uv::Load();
  uv_loop_s* loop = nullptr;
  if (uv == nullptr || napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
    return nullptr;
  }
  return std::make_unique<UvLoop>(uv, loop, module);
}

}  // namespace zmqnapi
