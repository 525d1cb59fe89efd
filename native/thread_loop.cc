// The event-loop integration for runtimes without a usable libuv (Bun, Deno; on Node with
// ZEROMQ_NAPI_EVENT_LOOP=thread): one watcher thread per environment waits on the
// descriptors of the sockets that wait (epoll on Linux, poll elsewhere, WSAPoll on Windows;
// ZEROMQ_NAPI_POLLER=poll forces poll) and hands what signalled to the JS thread through one
// threadsafe function.
//
// Each watch listens once per signal: the thread stops listening to a descriptor that
// signalled (a level-triggered descriptor that stays readable until the JS thread reads
// ZMQ_EVENTS would make it spin), and the JS thread listens again after the socket looked at
// its events. Listening starts before the socket reads ZMQ_EVENTS (Socket::Wait arms
// first), so a signal in between is not lost. The function is referenced exactly while a
// watch is armed: a waiting socket keeps the process alive, an idle one does not.
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "event_loop.h"
#include "module.h"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
#endif

namespace zmqnapi {

namespace {

class ThreadLoop;

/** One socket's watch; `listening` and `in_set` are guarded by the loop's mutex. */
struct ThreadWatch : public Watch {
  ThreadWatch(ThreadLoop& loop, uint64_t id, uv::OsSocket fd, Watcher* watcher)
      : loop(loop), id(id), fd(fd), watcher(watcher) {}
  void Arm() override;
  void Disarm() override;
  void Suspend() override;
  void Resume() override;
  void Close() override;

  ThreadLoop& loop;
  const uint64_t id;
  const uv::OsSocket fd;
  Watcher* const watcher;
  // JS thread only.
  bool armed = false;
  bool suspended = false;
  // Under the loop's mutex: whether the thread is to report the next signal, and (poll)
  // whether the descriptor is in the set the thread waits on now (epoll: registered).
  bool listening = false;
  bool in_set = false;
};

/** How the thread waits: each function but Wait() is called with the loop's mutex held. */
class Backend {
 public:
  virtual ~Backend() = default;
  /** Starts listening to `watch` (its `listening` is already set). */
  virtual void Listen(ThreadWatch& watch) = 0;
  /** Stops for good: on return the thread no longer waits on the descriptor. */
  virtual void Forget(ThreadWatch& watch, std::unique_lock<std::mutex>& lock) = 0;
  /** The thread's wait: appends the ids that signalled. Takes the lock itself. */
  virtual void Wait(std::vector<uint64_t>& fired) = 0;
  /** Ends a wait early. */
  virtual void Wake() = 0;
};

#ifdef _WIN32
using PollFd = WSAPOLLFD;
constexpr short kPollIn = POLLRDNORM;
#else
using PollFd = struct pollfd;
constexpr short kPollIn = POLLIN;
#endif

/**
 * poll() (WSAPoll on Windows) over the listening descriptors and a wake-up descriptor (a
 * pipe; on Windows a UDP socket that sends to itself, as WSAPoll takes only sockets). The
 * set is rebuilt after each wait; a change wakes the thread. Forget() waits until the thread
 * left the wait that still includes the descriptor, as closing a descriptor that another
 * thread polls is undefined on some systems.
 */
class PollBackend : public Backend {
 public:
  PollBackend(std::mutex& mutex, std::unordered_map<uint64_t, ThreadWatch*>& watches)
      : mutex_(mutex), watches_(watches) {}

  ~PollBackend() override {
#ifdef _WIN32
    if (wake_ != INVALID_SOCKET) closesocket(wake_);
    if (started_) WSACleanup();
#else
    if (wake_read_ >= 0) close(wake_read_);
    if (wake_write_ >= 0) close(wake_write_);
#endif
  }

  bool Init() {
#ifdef _WIN32
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return false;
    started_ = true;
    wake_ = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (wake_ == INVALID_SOCKET) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int length = sizeof(address);
    u_long nonblocking = 1;
    return bind(wake_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
           getsockname(wake_, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
           connect(wake_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
           ioctlsocket(wake_, FIONBIO, &nonblocking) == 0;
#else
    int fds[2];
    if (pipe(fds) != 0) return false;
    wake_read_ = fds[0];
    wake_write_ = fds[1];
    for (int fd : fds) {
      if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0 ||
          fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
        return false;
      }
    }
    return true;
#endif
  }

  void Listen(ThreadWatch&) override {
    if (polling_) Wake();
  }

  void Forget(ThreadWatch& watch, std::unique_lock<std::mutex>& lock) override {
    if (!polling_ || !watch.in_set) return;
    uint64_t generation = generation_;
    Wake();
    left_.wait(lock, [&] { return generation_ != generation; });
  }

  void Wait(std::vector<uint64_t>& fired) override {
    std::vector<PollFd> fds;
    std::vector<uint64_t> ids;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fds.push_back(Entry(WakeFd()));
      ids.push_back(0);
      for (auto& [id, watch] : watches_) {
        watch->in_set = watch->listening;
        if (!watch->listening) continue;
        fds.push_back(Entry(watch->fd));
        ids.push_back(id);
      }
      polling_ = true;
    }
#ifdef _WIN32
    WSAPoll(fds.data(), static_cast<ULONG>(fds.size()), -1);
#else
    poll(fds.data(), fds.size(), -1);
#endif
    {
      std::lock_guard<std::mutex> lock(mutex_);
      polling_ = false;
      generation_++;
      for (auto& [id, watch] : watches_) watch->in_set = false;
    }
    left_.notify_all();
    if (fds[0].revents != 0) Drain();
    for (size_t i = 1; i < fds.size(); i++) {
      if (fds[i].revents != 0) fired.push_back(ids[i]);
    }
  }

  void Wake() override {
#ifdef _WIN32
    send(wake_, "w", 1, 0);
#else
    ssize_t written;
    do {
      written = write(wake_write_, "w", 1);
    } while (written < 0 && errno == EINTR);
    // EAGAIN: the pipe is full, the thread will wake anyway.
#endif
  }

 private:
  static PollFd Entry(uv::OsSocket fd) {
    PollFd entry{};
    entry.fd = fd;
    entry.events = kPollIn;
    return entry;
  }

  uv::OsSocket WakeFd() const {
#ifdef _WIN32
    return wake_;
#else
    return wake_read_;
#endif
  }

  void Drain() {
    char buffer[64];
#ifdef _WIN32
    while (recv(wake_, buffer, sizeof(buffer), 0) > 0) {
    }
#else
    while (read(wake_read_, buffer, sizeof(buffer)) > 0) {
    }
#endif
  }

  std::mutex& mutex_;
  std::unordered_map<uint64_t, ThreadWatch*>& watches_;
  std::condition_variable left_;
  bool polling_ = false;
  uint64_t generation_ = 0;
#ifdef _WIN32
  SOCKET wake_ = INVALID_SOCKET;
  bool started_ = false;
#else
  int wake_read_ = -1;
  int wake_write_ = -1;
#endif
};

#ifdef __linux__
/**
 * epoll: each descriptor is registered once with EPOLLONESHOT, which disables it after one
 * signal (re-enabled by EPOLL_CTL_MOD), and removed before its socket closes. Changes need no
 * wake-up; a late event of a removed watch finds no id in the table and is dropped.
 */
class EpollBackend : public Backend {
 public:
  ~EpollBackend() override {
    if (epoll_ >= 0) close(epoll_);
    if (wake_ >= 0) close(wake_);
  }

  bool Init() {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_ < 0 || wake_ < 0) return false;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = 0;
    return epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event) == 0;
  }

  void Listen(ThreadWatch& watch) override {
    epoll_event event{};
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.u64 = watch.id;
    if (epoll_ctl(epoll_, watch.in_set ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, watch.fd, &event) == 0) {
      watch.in_set = true;
    } else {
      // Cannot happen for a descriptor libzmq keeps open; report it as a signal (the watch
      // stays listening until the thread reports it), so the socket reads its events and
      // waiting operations go on.
      failed_.push_back(watch.id);
      Wake();
    }
  }

  void Forget(ThreadWatch& watch, std::unique_lock<std::mutex>&) override {
    if (watch.in_set) epoll_ctl(epoll_, EPOLL_CTL_DEL, watch.fd, nullptr);
    watch.in_set = false;
  }

  void Wait(std::vector<uint64_t>& fired) override {
    epoll_event events[64];
    int count = epoll_wait(epoll_, events, 64, -1);
    for (int i = 0; i < count; i++) {
      if (events[i].data.u64 == 0) {
        uint64_t value;
        while (read(wake_, &value, sizeof(value)) > 0) {
        }
      } else {
        fired.push_back(events[i].data.u64);
      }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    fired.insert(fired.end(), failed_.begin(), failed_.end());
    failed_.clear();
  }

  void Wake() override {
    uint64_t one = 1;
    ssize_t written;
    do {
      written = write(wake_, &one, sizeof(one));
    } while (written < 0 && errno == EINTR);
  }

  explicit EpollBackend(std::mutex& mutex) : mutex_(mutex) {}

 private:
  std::mutex& mutex_;
  int epoll_ = -1;
  int wake_ = -1;
  std::vector<uint64_t> failed_;
};
#endif

class ThreadLoop : public EventLoop {
 public:
  explicit ThreadLoop(Napi::Env env) : env_(env) {}

  ~ThreadLoop() override { StopThread(); }

  /** Creates the backend, the function and the thread; false when one of them fails. */
  bool Init() {
    const char* forced = std::getenv("ZEROMQ_NAPI_POLLER");
    bool want_poll = forced != nullptr && std::strcmp(forced, "poll") == 0;
#ifdef __linux__
    if (!want_poll) {
      auto epoll = std::make_unique<EpollBackend>(mutex_);
      if (epoll->Init()) {
        backend_ = std::move(epoll);
      }
    }
#else
    (void)want_poll;
#endif
    if (backend_ == nullptr) {
      auto poll = std::make_unique<PollBackend>(mutex_, watches_);
      if (!poll->Init()) return false;
      backend_ = std::move(poll);
    }
    napi_value name;
    if (napi_create_string_utf8(env_, "zeromq-napi:ready", NAPI_AUTO_LENGTH, &name) != napi_ok ||
        napi_create_threadsafe_function(env_, nullptr, nullptr, name, 0, 1, nullptr, nullptr, this,
                                        Dispatch, &function_) != napi_ok) {
      function_ = nullptr;
      return false;
    }
    // Nothing waits yet: the process may end.
    napi_unref_threadsafe_function(env_, function_);
    thread_ = std::thread([this] { Main(); });
    return true;
  }

  Watch* Start(Napi::Env, uv::OsSocket fd, Watcher* watcher) override {
    ThreadWatch* watch;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      watch = new ThreadWatch(*this, ++last_id_, fd, watcher);
      watches_.emplace(watch->id, watch);
    }
    // Listening from the start, as libuv's poll handle: see Dispatch().
    Listen(*watch);
    return watch;
  }

  void Shutdown() override {
    StopThread();
    // Here, not later: Node frees the function in its own cleanup hook, which runs after the
    // module's (hooks run in reverse order of registration).
    if (function_ != nullptr) {
      napi_release_threadsafe_function(function_, napi_tsfn_abort);
      function_ = nullptr;
    }
  }

  const char* Name() const override { return "thread"; }
  // The watcher thread never touches message memory: sends may be zero-copy on the main
  // thread as with libuv. Workers copy (their memory ends with them).
  bool MainThread() const override { return main_thread_; }
  void SetMainThread(bool main_thread) { main_thread_ = main_thread; }

  void Listen(ThreadWatch& watch) {
    if (watch.suspended) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (watch.listening || stopping_) return;
    watch.listening = true;
    backend_->Listen(watch);
  }

  void Referenced(bool armed) {
    if (function_ == nullptr) return;
    if (armed) {
      if (armed_++ == 0) napi_ref_threadsafe_function(env_, function_);
    } else if (--armed_ == 0) {
      napi_unref_threadsafe_function(env_, function_);
    }
  }

  void Forget(ThreadWatch& watch) {
    std::unique_lock<std::mutex> lock(mutex_);
    watches_.erase(watch.id);
    watch.listening = false;
    backend_->Forget(watch, lock);
  }

 private:
  void StopThread() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    backend_->Wake();
    thread_.join();
  }

  void Main() {
#ifndef _WIN32
    // Signals belong to the runtime's threads: one here would only interrupt the wait.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
#endif
    std::vector<uint64_t> fired;
    for (;;) {
      fired.clear();
      backend_->Wait(fired);
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      for (uint64_t id : fired) {
        auto it = watches_.find(id);
        // Gone, or already reported (poll may report a descriptor twice).
        if (it == watches_.end() || !it->second->listening) continue;
        it->second->listening = false;
        // One call per socket, as libuv calls back once per handle: the runtime runs each
        // call in a callback scope of its own, so promises settled by one socket's callback
        // run before the next socket's (code written for Node relies on that order).
        napi_call_threadsafe_function(
            function_, reinterpret_cast<void*>(static_cast<uintptr_t>(id)), napi_tsfn_nonblocking);
      }
    }
  }

  ThreadWatch* Find(uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = watches_.find(id);
    return it == watches_.end() ? nullptr : it->second;
  }

  // On the JS thread. env is null when the runtime drops calls at teardown.
  static void Dispatch(napi_env env, napi_value, void* context, void* data) {
    if (env == nullptr) return;
    auto* loop = static_cast<ThreadLoop*>(context);
    auto id = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(data));
    {
      std::lock_guard<std::mutex> lock(loop->mutex_);
      if (loop->stopping_) return;
    }
    // Looked up by id: the socket may have closed since the thread saw the signal.
    ThreadWatch* watch = loop->Find(id);
    if (watch == nullptr || watch->suspended) return;
    // Also when nothing waits, as libuv's poll does: the socket reads ZMQ_EVENTS, which
    // processes libzmq's commands (reading them only at the next wait could skip one that
    // a call of the socket consumed meanwhile).
    watch->watcher->OnSignal(0);
    // The callback may have closed the socket.
    watch = loop->Find(id);
    if (watch != nullptr) loop->Listen(*watch);
  }

  Napi::Env env_;
  std::unique_ptr<Backend> backend_;
  napi_threadsafe_function function_ = nullptr;
  std::thread thread_;
  bool main_thread_ = false;
  // JS thread only: armed watches (the function is referenced while there are any).
  size_t armed_ = 0;
  // Guarded by mutex_ from here on.
  std::mutex mutex_;
  std::unordered_map<uint64_t, ThreadWatch*> watches_;
  uint64_t last_id_ = 0;
  bool stopping_ = false;
};

void ThreadWatch::Arm() {
  if (!armed) {
    armed = true;
    loop.Referenced(true);
  }
  loop.Listen(*this);
}

void ThreadWatch::Disarm() {
  // Listening goes on (the process may just end meanwhile).
  if (!armed) return;
  armed = false;
  loop.Referenced(false);
}

void ThreadWatch::Suspend() {
  // Another thread uses the socket: no signal may reach OnSignal() until Resume().
  Disarm();
  suspended = true;
}

void ThreadWatch::Resume() {
  suspended = false;
  loop.Listen(*this);
}

void ThreadWatch::Close() {
  Disarm();
  loop.Forget(*this);
  delete this;
}

}  // namespace

std::unique_ptr<EventLoop> CreateThreadLoop(Napi::Env env, Module&, bool main_thread) {
  auto loop = std::make_unique<ThreadLoop>(env);
  loop->SetMainThread(main_thread);
  if (!loop->Init()) return nullptr;
  return loop;
}

}  // namespace zmqnapi
