// Request-reply round trips timed one by one: libzmq's perf/remote_lat.cpp loop (REQ, one
// zmq_msg_t sent and received back per round trip) with a steady clock read around every
// round trip, so the benchmark can report the median and the 99th percentile instead of only
// the average that remote_lat prints. The server side is libzmq's own local_lat (REP echo).
//
//   lat_percentiles <connect-to> <message-size> <roundtrip-count> [<warmup>]
//   lat_percentiles inproc <message-size> <roundtrip-count> [<warmup>]
//
// "inproc" runs the REP echo in a thread of the same context, like perf/inproc_lat.cpp.
// Prints round-trip times (RTT) in microseconds; "average latency" is libzmq's convention
// (half the average round trip), for comparison with remote_lat's output.
#include <zmq.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

static void fail(const char *what) {
  std::printf("error in %s: %s\n", what, zmq_strerror(zmq_errno()));
  std::exit(1);
}

static void echo(void *ctx, const char *endpoint, int count) {
  void *s = zmq_socket(ctx, ZMQ_REP);
  if (!s) fail("zmq_socket");
  if (zmq_connect(s, endpoint) != 0) fail("zmq_connect");
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  for (int i = 0; i < count; i++) {
    if (zmq_recvmsg(s, &msg, 0) < 0) fail("zmq_recvmsg");
    if (zmq_sendmsg(s, &msg, 0) < 0) fail("zmq_sendmsg");
  }
  zmq_msg_close(&msg);
  zmq_close(s);
}

int main(int argc, char *argv[]) {
  if (argc != 4 && argc != 5) {
    std::printf(
        "usage: lat_percentiles <connect-to|inproc> <message-size> <roundtrip-count> "
        "[<warmup>]\n");
    return 1;
  }
  const bool inproc = std::strcmp(argv[1], "inproc") == 0;
  const char *endpoint = inproc ? "inproc://lat_percentiles" : argv[1];
  const size_t size = std::strtoul(argv[2], nullptr, 10);
  const int count = std::atoi(argv[3]);
  const int warmup = argc == 5 ? std::atoi(argv[4]) : 0;
  if (count <= 0 || warmup < 0) {
    std::printf("roundtrip-count must be positive\n");
    return 1;
  }

  void *ctx = zmq_ctx_new();
  if (!ctx) fail("zmq_ctx_new");
  void *s = zmq_socket(ctx, ZMQ_REQ);
  if (!s) fail("zmq_socket");
  std::thread server;
  if (inproc) {
    if (zmq_bind(s, endpoint) != 0) fail("zmq_bind");
    server = std::thread(echo, ctx, endpoint, warmup + count);
  } else if (zmq_connect(s, endpoint) != 0) {
    fail("zmq_connect");
  }

  zmq_msg_t msg;
  if (zmq_msg_init_size(&msg, size) != 0) fail("zmq_msg_init_size");
  std::memset(zmq_msg_data(&msg), 0, size);

  std::vector<double> rtt(count);
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  for (int i = 0; i < warmup + count; i++) {
    const auto t0 = clock::now();
    if (zmq_sendmsg(s, &msg, 0) < 0) fail("zmq_sendmsg");
    if (zmq_recvmsg(s, &msg, 0) < 0) fail("zmq_recvmsg");
    const auto t1 = clock::now();
    if (zmq_msg_size(&msg) != size) {
      std::printf("message of incorrect size received\n");
      return 1;
    }
    if (i >= warmup) rtt[i - warmup] = std::chrono::duration<double, std::micro>(t1 - t0).count();
  }
  const double total = std::chrono::duration<double, std::micro>(clock::now() - start).count();
  zmq_msg_close(&msg);

  double sum = 0;
  for (double v : rtt) sum += v;
  std::sort(rtt.begin(), rtt.end());
  auto pct = [&](double p) {
    size_t k = static_cast<size_t>(p * (count - 1) + 0.5);
    return rtt[std::min(k, rtt.size() - 1)];
  };
  std::printf("message size: %d [B]\n", static_cast<int>(size));
  std::printf("roundtrip count: %d\n", count);
  std::printf("rtt p50: %.3f [us]\n", pct(0.50));
  std::printf("rtt p99: %.3f [us]\n", pct(0.99));
  std::printf("rtt avg: %.3f [us]\n", sum / count);
  std::printf("rtt min: %.3f [us]\n", rtt.front());
  std::printf("average latency: %.3f [us]\n", total / ((warmup + count) * 2.0));

  zmq_close(s);
  if (server.joinable()) server.join();
  zmq_ctx_term(ctx);
  return 0;
}
