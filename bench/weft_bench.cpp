// bench_weft: weft's side of the benchmarks (see bench/README.md).
//
//   bench_weft [iterations] [seeds]
//
// mutex: two threads each lock a mutex five times around `v = v + 1` on a
//   var<int>; the body joins them and asserts v == 10. Random strategy,
//   `iterations` executions (default 200000), best of 3.
// lost-update-<strategy>: two threads each run `x = x + 1` on a var<int>;
//   the body asserts x == 2. For `seeds` seeds (default 200), explore until
//   the first failure; reports executions/s (total executions / total time)
//   and the mean executions to the first failure.

#include <weft/assert.h>
#include <weft/explore.h>
#include <weft/mutex.h>
#include <weft/options.h>
#include <weft/thread.h>
#include <weft/var.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <sstream>

#include "result.h"
#include "workloads.h"

namespace {

// The headline workload: 2 threads x 5 x (lock, read, write, unlock).
constexpr auto mutex_body = &bench::locked_counter<5>;

void lost_update_body() {
  weft::var<int> x{0};
  auto increment = [&] { x.set(x.get() + 1); };
  weft::thread a(increment);
  weft::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT(x.get() == 2);
}

// checkers: the race detector and the lock-order graph, both on by default;
// Relacy's own race detection is always on, so "on" is the like-for-like row.
bench::Measurement run_mutex(std::uint64_t iterations, bool checkers) {
  return bench::timed_explore("bench_weft", mutex_body, bench::random_options(iterations, checkers));
}

// LostUpdate is one sweep over the seeds: executions summed over all seeds,
// and how many seeds found the failure within the iteration cap.
struct LostUpdate {
  bench::Measurement total;
  std::uint64_t failures = 0;
};

LostUpdate run_lost_update(weft::Strategy strategy, std::uint64_t seeds, std::uint64_t cap) {
  LostUpdate sweep;
  auto start = std::chrono::steady_clock::now();
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    // Race detection off: with it, every seed reports the DataRace at the
    // first execution; this measures how soon a strategy loses the update.
    auto options = weft::Options{}.strategy(strategy).iterations(cap).seed(seed).race_detection(false);
    weft::Report report = weft::explore(lost_update_body, options);
    sweep.total.executions += report.executions;
    if (report.failure && report.failure->kind == weft::FailureKind::AssertionFailed) ++sweep.failures;
  }
  sweep.total.seconds = bench::seconds_since(start);
  return sweep;
}

void report_lost_update(weft::Strategy strategy, std::uint64_t seeds, std::uint64_t cap) {
  LostUpdate best;
  for (int i = 0; i < bench::kRepetitions; ++i) {
    LostUpdate sweep = run_lost_update(strategy, seeds, cap);
    if (i == 0 || sweep.total.seconds < best.total.seconds) best = sweep;
  }
  double mean = static_cast<double>(best.total.executions) / static_cast<double>(seeds);
  std::string name = "lost-update-" + strategy.to_string();
  for (char& c : name) c = c == ':' ? '-' : c;  // "pct:3" -> "pct-3": keep the line one token per key
  std::printf("weft %-22s %llu seeds, %llu found the bug, mean %.2f executions to first failure\n",
              name.c_str(), static_cast<unsigned long long>(seeds),
              static_cast<unsigned long long>(best.failures), mean);
  std::ostringstream extra;
  extra << "seeds=" << seeds << " found=" << best.failures << " mean_to_failure=" << mean;
  bench::print_result("weft", name.c_str(), best.total, extra.str());
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t iterations = bench::count_arg(argc, argv, 1, 200000);
  std::uint64_t seeds = bench::count_arg(argc, argv, 2, 200);

  bench::Measurement mutex = bench::best_of([&] { return run_mutex(iterations, true); });
  std::printf("weft mutex: %llu executions in %.3f s (best of %d)\n",
              static_cast<unsigned long long>(mutex.executions), mutex.seconds, bench::kRepetitions);
  bench::print_result("weft", "mutex", mutex);
  bench::Measurement bare = bench::best_of([&] { return run_mutex(iterations, false); });
  std::printf("weft mutex, checkers off: %llu executions in %.3f s (best of %d)\n",
              static_cast<unsigned long long>(bare.executions), bare.seconds, bench::kRepetitions);
  bench::print_result("weft", "mutex-checkers-off", bare);

  // The cap only matters if a strategy never finds the bug: it bounds the run.
  constexpr std::uint64_t kCap = 100000;
  report_lost_update(weft::Strategy::random(), seeds, kCap);
  report_lost_update(weft::Strategy::pct(3), seeds, kCap);
  return 0;
}
