// bench_interpose: what an interposed std::mutex costs against weft::mutex
// (see bench/README.md). Linked with weft::interpose.
//
//   bench_interpose [executions]
//
// Each execution: two weft threads each lock and unlock the mutex
// kRounds times around an increment of a plain int; the body joins them.
// Workloads: weft::mutex; std::mutex (pthread_mutex_lock/unlock through
// the interposition); the std::mutex body with std::thread instead of
// weft::thread (the whole unmodified program). Checkers off, random
// strategy, seed 1. Reported: executions/s and nanoseconds per lock+unlock
// pair (the whole execution's time divided by its pairs).

#include <weft/weft.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "result.h"
#include "workloads.h"

namespace {

constexpr int kRounds = 50;

template <class Mutex, class Thread>
void body() {
  Mutex m;
  int v = 0;
  auto worker = [&] {
    for (int i = 0; i < kRounds; ++i) {
      std::lock_guard<Mutex> hold(m);
      v = v + 1;
    }
  };
  Thread a(worker);
  Thread b(worker);
  a.join();
  b.join();
  WEFT_ASSERT(v == 2 * kRounds);
}

bench::Measurement run(void (*b)(), std::uint64_t executions) {
  return bench::timed_explore("bench_interpose", b, bench::random_options(executions, false));
}

struct Workload {
  const char* name;
  void (*body)();
  bench::Measurement best;
};

double ns_per_pair(const bench::Measurement& m) {
  return m.seconds * 1e9 / static_cast<double>(m.executions * 2 * kRounds);
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t executions = bench::count_arg(argc, argv, 1, 20000);
  Workload workloads[] = {
      {"mutex-weft", &body<weft::mutex, weft::thread>, {}},
      {"mutex-std-interposed", &body<std::mutex, weft::thread>, {}},
      {"mutex-std-thread-interposed", &body<std::mutex, std::thread>, {}},
  };
  // The workloads take turns, so that load from elsewhere on the machine
  // hits them alike; each keeps its fastest turn.
  constexpr int kTurns = 5;
  for (int turn = 0; turn < kTurns; ++turn) {
    for (Workload& w : workloads) {
      const bench::Measurement m = run(w.body, executions);
      if (w.best.seconds == 0 || m.seconds < w.best.seconds) w.best = m;
    }
  }
  for (const Workload& w : workloads) {
    std::printf("weft %-28s %llu executions in %.3f s (best of %d): %.1f ns per lock+unlock\n", w.name,
                static_cast<unsigned long long>(w.best.executions), w.best.seconds, kTurns, ns_per_pair(w.best));
    char extra[64];
    std::snprintf(extra, sizeof extra, "ns_per_lock_unlock=%.1f", ns_per_pair(w.best));
    bench::print_result("weft", w.name, w.best, extra);
  }
  std::printf("interposed std::mutex / weft::mutex, per lock+unlock: %.2f\n",
              ns_per_pair(workloads[1].best) / ns_per_pair(workloads[0].best));
  return 0;
}
