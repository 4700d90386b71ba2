#pragma once
// The bodies the benchmark programs explore, and the timed exploration
// they share, written once.

#include <weft/weft.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <vector>

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

// many_readers: `n` threads read the same shared value, which the body
// wrote before starting them (FastTrack's read-shared case: a clock of
// reads per thread), each writes a slot of its own and adds to a relaxed
// atomic counter; the body joins them all and checks the slots and the sum.
inline void many_readers(int n) {
  weft::var<int> shared{0};
  shared.set(42);
  std::vector<std::unique_ptr<weft::var<int>>> slots;
  for (int i = 0; i < n; ++i) slots.push_back(std::make_unique<weft::var<int>>(0));
  weft::atomic<int> sum{0};
  std::vector<weft::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      slots[static_cast<std::size_t>(i)]->set(shared.get() + i);
      sum.fetch_add(1, std::memory_order_relaxed);
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < n; ++i) WEFT_ASSERT(slots[static_cast<std::size_t>(i)]->get() == 42 + i);
  WEFT_ASSERT(sum.load() == n);
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
