#pragma once
// The bodies the benchmark programs explore, and the timed exploration
// they share, written once.

#include <weft/weft.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>

#include "result.h"

namespace bench {

// locked_counter: two threads each take a mutex `Rounds` times around a
// weft::var increment (a read and a write); the body checks the total.
template <int Rounds>
void locked_counter() {
  weft::mutex m;
  weft::var<int> v{0};
  auto worker = [&] {
    for (int i = 0; i < Rounds; ++i) {
      std::lock_guard<weft::mutex> hold(m);
      v.set(v.get() + 1);
    }
  };
  weft::thread a(worker);
  weft::thread b(worker);
  a.join();
  b.join();
  WEFT_ASSERT(v.get() == 2 * Rounds);
}

// random_options: the random strategy, seed 1, `iterations` executions,
// with weft's checkers (race detector and lock-order graph) on or off.
inline weft::Options random_options(std::uint64_t iterations, bool checkers) {
  return weft::Options{}
      .strategy(weft::Strategy::random())
      .iterations(iterations)
      .seed(1)
      .race_detection(checkers)
      .lock_order(checkers);
}

// timed_explore explores `body` with `options` and times the whole
// exploration. A benchmark workload must not fail: if it does, `program`
// says so with the report and exits 1.
template <class Body>
Measurement timed_explore(const char* program, Body body, const weft::Options& options) {
  const auto start = std::chrono::steady_clock::now();
  const weft::Report report = weft::explore(body, options);
  const double seconds = seconds_since(start);
  if (!report.ok()) {
    std::cerr << program << ": a workload failed, which it must not:\n" << report << '\n';
    std::exit(1);
  }
  return {report.executions, seconds};
}

}  // namespace bench
