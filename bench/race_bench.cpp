// bench_race: what race detection costs per weft::var access.
//
//   bench_race [iterations]
//
// The workload: two threads each run 500 times `lock; v = v + 1; unlock` on
// a mutex and a var<int> (1000 var accesses per thread, 2000 per
// execution). It is explored with the random strategy for `iterations`
// executions (default 2000) with race detection on, then off; each figure is
// the best of 3. The time per access covers everything an access costs
// (scheduling point, event, and with detection on the detector's work on the
// accesses and on the lock and unlock events around them); the difference
// between the two runs is the detector's share.

#include <weft/assert.h>
#include <weft/explore.h>
#include <weft/mutex.h>
#include <weft/options.h>
#include <weft/thread.h>
#include <weft/var.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <sstream>
#include <tuple>

#include "result.h"
#include "workloads.h"

namespace {

constexpr int kRounds = 500;                              // per thread
constexpr std::uint64_t kAccessesPerExecution = 2 * kRounds * 2;  // 2 threads x (read + write)

constexpr auto locked_counter = &bench::locked_counter<kRounds>;

bench::Measurement run(bool race_detection, std::uint64_t iterations) {
  return bench::timed_explore("bench_race", locked_counter,
                              bench::random_options(iterations, true).race_detection(race_detection));
}

double ns_per_access(const bench::Measurement& m) {
  return m.seconds * 1e9 / static_cast<double>(m.executions * kAccessesPerExecution);
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t iterations = bench::count_arg(argc, argv, 1, 2000);

  const bench::Measurement on = bench::best_of([&] { return run(true, iterations); });
  const bench::Measurement off = bench::best_of([&] { return run(false, iterations); });
  const double ns_on = ns_per_access(on);
  const double ns_off = ns_per_access(off);

  std::printf("weft race detection: %.1f ns per var access on, %.1f ns off: %+.1f ns (%+.0f%%)\n", ns_on, ns_off,
              ns_on - ns_off, ns_off > 0 ? (ns_on - ns_off) * 100 / ns_off : 0.0);
  for (const auto& [name, m, ns] : {std::tuple{"race-on", on, ns_on}, std::tuple{"race-off", off, ns_off}}) {
    std::ostringstream extra;
    extra << "accesses=" << kAccessesPerExecution << " ns_per_access=" << ns;
    bench::print_result("weft", name, m, extra.str());
  }
  std::printf("RESULT tool=weft workload=race-cost ns_per_access=%.2f overhead_percent=%.1f\n", ns_on - ns_off,
              ns_off > 0 ? (ns_on - ns_off) * 100 / ns_off : 0.0);
  return 0;
}
