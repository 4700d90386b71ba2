// bench_strategies: schedules to the first bug, for every strategy, on the
// samples and on the ordering bugs of samples/ordering_bugs.h (see
// README.md, "Strategies"). For each workload and strategy, `explore` runs
// with seeds 1..seeds, each capped at `cap` executions; reported are how
// many seeds found the expected failure and the mean executions to it over
// those. The counts are deterministic: they do not depend on the machine.
//
//   bench_strategies [seeds] [cap] [filter]
//
// prints one line per workload and strategy:
//   STRATEGY workload=<name> strategy=<s> found=<k>/<seeds> mean=<m> seconds=<t>
// `filter` keeps the workloads whose name contains it. Built a second time
// as bench_strategies_std, over the standard-library samples under
// weft::interpose (WEFT_BENCH_STD).

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "result.h"
#include "sample.h"
#include "weft/weft.h"
#ifndef WEFT_BENCH_STD
#include "ordering_bugs.h"
#endif

namespace {

struct Workload {
  std::string name;
  std::function<void()> body;
  weft::FailureKind expected;
  weft::Options options;  // without strategy, seed and iterations
};

std::vector<Workload> workloads() {
  std::vector<Workload> all;
  for (const weft::samples::Sample& s : weft::samples::all()) {
    // The lock-order graph finds lock inversions whatever the schedule:
    // off, so that a Deadlock counts only when a schedule reached it.
    all.push_back({std::string(s.name), s.buggy, s.expected,
                   weft::Options{}.race_detection(s.race_detection).process_crashes(s.process_crashes).lock_order(false)});
  }
#ifndef WEFT_BENCH_STD
  namespace o = weft::samples::ordering;
  for (int n : {3, 5, 10, 20, 50, 100})
    all.push_back({"late_write_" + std::to_string(n), [n] { o::late_write(n); }, weft::FailureKind::AssertionFailed,
                   weft::Options{}});
  for (int n : {3, 5, 10, 20, 50, 100})
    all.push_back({"reorder_" + std::to_string(n), [n] { o::reorder(n); }, weft::FailureKind::AssertionFailed,
                   weft::Options{}});
  all.push_back({"work_stealing_queue", [] { o::work_stealing_queue(16, false); }, weft::FailureKind::AssertionFailed,
                 weft::Options{}});
#endif
  return all;
}

const weft::Strategy kStrategies[] = {weft::Strategy::random(), weft::Strategy::pct(3), weft::Strategy::pos(),
                                      weft::Strategy::surw(),   weft::Strategy::rff(),    weft::Strategy::portfolio()};

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t seeds = bench::count_arg(argc, argv, 1, 20);
  const std::uint64_t cap = bench::count_arg(argc, argv, 2, 10000);
  const char* filter = argc > 3 ? argv[3] : "";
  for (const Workload& w : workloads()) {
    if (w.name.find(filter) == std::string::npos) continue;
    for (const weft::Strategy& s : kStrategies) {
      std::uint64_t found = 0;
      std::uint64_t executions = 0;
      const auto start = std::chrono::steady_clock::now();
      for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        weft::Options options = w.options;
        options.strategy(s).seed(seed).iterations(cap);
        const weft::Report r = weft::explore(w.body, options);
        if (r.failure && r.failure->kind == w.expected) {
          ++found;
          executions += r.executions;
        }
      }
      const double seconds = bench::seconds_since(start);
      std::printf("STRATEGY workload=%s strategy=%s found=%llu/%llu mean=%.1f seconds=%.2f\n", w.name.c_str(),
                  s.to_string().c_str(), static_cast<unsigned long long>(found),
                  static_cast<unsigned long long>(seeds), found ? static_cast<double>(executions) / found : 0.0,
                  seconds);
      std::fflush(stdout);
    }
  }
  return 0;
}
