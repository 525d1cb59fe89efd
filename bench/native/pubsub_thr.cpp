// Pub/sub fan-out in plain libzmq (libzmq has no perf tool for it), in the style of
// perf/local_thr.cpp and perf/remote_thr.cpp, driven by the benchmark runner over stdin/stdout:
//
//   pubsub_thr pub <bind-to> <message-size> <duration-ms> [<max-count>]
//     binds a PUB socket, prints "ready <endpoint>", sends empty warm-up messages every 10 ms
//     until a line arrives on stdin (the runner's "go" once every subscriber saw a warm-up),
//     then sends messages of <message-size> bytes (zmq_msg_init_size each, like remote_thr)
//     for <duration-ms> (or until <max-count> were sent), prints "sent <count>", then sends a
//     1-byte end marker every 20 ms until stdin has another line or closes.
//   pubsub_thr sub <connect-to> <message-size>
//     connects a SUB socket subscribed to everything, prints "ready" on the first warm-up,
//     counts messages of <message-size> bytes until the end marker, and prints
//     "received <count> elapsed_us <first to last message>".
//
// Messages that PUB drops at the high-water mark (default 1000) are simply not received: the
// subscriber's rate is what was delivered.
#include <zmq.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

static void fail(const char *what) {
  std::printf("error in %s: %s\n", what, zmq_strerror(zmq_errno()));
  std::fflush(stdout);
  std::exit(1);
}

// Waits up to timeout_ms for a line (or EOF) on stdin; true when one came.
static bool stdin_line(int timeout_ms) {
  zmq_pollitem_t item = {nullptr, 0, ZMQ_POLLIN, 0};
  if (zmq_poll(&item, 1, timeout_ms) < 0) return false;
  if (!(item.revents & ZMQ_POLLIN)) return false;
  char buf[256];
  ssize_t n = read(0, buf, sizeof buf);
  (void)n;
  return true;
}

static int pub(const char *bind_to, size_t size, long duration_ms, long max_count) {
  void *ctx = zmq_ctx_new();
  void *s = zmq_socket(ctx, ZMQ_PUB);
  if (!s) fail("zmq_socket");
  if (zmq_bind(s, bind_to) != 0) fail("zmq_bind");
  char endpoint[256];
  size_t len = sizeof endpoint;
  if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, endpoint, &len) != 0) fail("zmq_getsockopt");
  std::printf("ready %s\n", endpoint);
  std::fflush(stdout);
  do {
    if (zmq_send(s, "", 0, ZMQ_DONTWAIT) < 0 && zmq_errno() != EAGAIN) fail("zmq_send");
  } while (!stdin_line(10));
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::milliseconds(duration_ms);
  // Read the clock about every 256 KiB sent.
  const long every = std::max(1L, std::min(1024L, static_cast<long>((256 * 1024) / size)));
  long sent = 0;
  for (;;) {
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, size) != 0) fail("zmq_msg_init_size");
    std::memset(zmq_msg_data(&msg), 1, size);
    if (zmq_sendmsg(s, &msg, 0) < 0) fail("zmq_sendmsg");
    if (++sent == max_count) break;
    if (sent % every == 0 && clock::now() >= deadline) break;
  }
  std::printf("sent %ld\n", sent);
  std::fflush(stdout);
  do {
    if (zmq_send(s, "E", 1, ZMQ_DONTWAIT) < 0 && zmq_errno() != EAGAIN) fail("zmq_send");
  } while (!stdin_line(20));
  int linger = 0;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  zmq_close(s);
  zmq_ctx_term(ctx);
  return 0;
}

static int sub(const char *connect_to, size_t size) {
  void *ctx = zmq_ctx_new();
  void *s = zmq_socket(ctx, ZMQ_SUB);
  if (!s) fail("zmq_socket");
  if (zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0) != 0) fail("zmq_setsockopt");
  if (zmq_connect(s, connect_to) != 0) fail("zmq_connect");
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  bool ready = false;
  long received = 0;
  using clock = std::chrono::steady_clock;
  clock::time_point first, last;
  for (;;) {
    if (zmq_recvmsg(s, &msg, 0) < 0) fail("zmq_recvmsg");
    const size_t got = zmq_msg_size(&msg);
    if (got == 0) {
      if (!ready) {
        ready = true;
        std::printf("ready\n");
        std::fflush(stdout);
      }
    } else if (got == size) {
      last = clock::now();
      if (received++ == 0) first = last;
    } else if (got == 1) {
      break;
    } else {
      std::printf("message of incorrect size received\n");
      return 1;
    }
  }
  zmq_msg_close(&msg);
  const double elapsed = std::chrono::duration<double, std::micro>(last - first).count();
  std::printf("received %ld elapsed_us %.1f\n", received, elapsed);
  std::fflush(stdout);
  int linger = 0;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  zmq_close(s);
  zmq_ctx_term(ctx);
  return 0;
}

int main(int argc, char *argv[]) {
  if ((argc == 5 || argc == 6) && std::strcmp(argv[1], "pub") == 0) {
    const long max_count = argc == 6 ? std::atol(argv[5]) : -1;
    return pub(argv[2], std::strtoul(argv[3], nullptr, 10), std::atol(argv[4]), max_count);
  }
  if (argc == 4 && std::strcmp(argv[1], "sub") == 0) {
    return sub(argv[2], std::strtoul(argv[3], nullptr, 10));
  }
  std::printf(
      "usage: pubsub_thr pub <bind-to> <message-size> <duration-ms> [<max-count>]\n"
      "       pubsub_thr sub <connect-to> <message-size>\n");
  return 1;
}
