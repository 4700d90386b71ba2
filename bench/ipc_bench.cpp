// bench_ipc: executions/s of message passing under weft (see bench/README.md).
//
//   bench_ipc [iterations]
//
// ping-pong: a parent and a child process exchange 100 messages over a
//   weft::pipe (50 pings, each answered by a pong), then the parent closes
//   its end and waits for the child. Random strategy, `iterations`
//   executions (default 20000), best of 3; with the checkers on (the
//   default) and off.
// queue-pipeline: a producer process puts 100 ints into a bounded
//   weft::queue of capacity 4 and a consumer process gets them.

#include <weft/weft.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>

#include "result.h"
#include "workloads.h"

namespace {

constexpr int kRoundTrips = 50;  // 100 messages
constexpr int kItems = 100;

void ping_pong() {
  auto [parent, child_end] = weft::pipe<int>();
  weft::process child("child", [](weft::pipe_end<int> end) {
    while (auto ping = end.recv()) end.send(*ping + 1);
  }, child_end);
  for (int i = 0; i < kRoundTrips; ++i) {
    parent.send(2 * i);
    auto pong = parent.recv();
    WEFT_ASSERT(pong && *pong == 2 * i + 1);
  }
  parent.close();
  WEFT_ASSERT(child.wait().ok());
}

void queue_pipeline() {
  weft::queue<int> items(4);
  weft::process producer("producer", [&items] {
    for (int i = 0; i < kItems; ++i) items.put(i);
    items.close();
  });
  weft::process consumer("consumer", [&items] {
    int expected = 0;
    while (auto v = items.get()) WEFT_ASSERT(*v == expected++);
    WEFT_ASSERT(expected == kItems);
  });
  producer.join();
  consumer.join();
}

bench::Measurement run(void (*body)(), std::uint64_t iterations, bool checkers) {
  return bench::timed_explore("bench_ipc", body, bench::random_options(iterations, checkers));
}

void measure(const char* name, void (*body)(), std::uint64_t iterations, bool checkers) {
  const bench::Measurement m = bench::best_of([&] { return run(body, iterations, checkers); });
  std::printf("weft %s: %llu executions in %.3f s (best of %d)\n", name,
              static_cast<unsigned long long>(m.executions), m.seconds, bench::kRepetitions);
  bench::print_result("weft", name, m);
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t iterations = bench::count_arg(argc, argv, 1, 20000);
  measure("ipc-ping-pong", &ping_pong, iterations, true);
  measure("ipc-ping-pong-checkers-off", &ping_pong, iterations, false);
  measure("ipc-queue-pipeline", &queue_pipeline, iterations, true);
  return 0;
}
