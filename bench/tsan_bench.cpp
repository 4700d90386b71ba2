// bench_tsan and bench_tsan_off: what ThreadSanitizer mode costs, on the
// same source built twice with clang: once plainly, once with
// -fsanitize=thread and weft::tsan (bench/CMakeLists.txt).
//
//   bench_tsan[_off] [iterations]
//
// The workload: two threads each run 500 times `lock; counter += 1;
// log.push_back(counter); unlock` on a weft::mutex, a plain int and a plain
// std::vector (the memory TSan watches), explored with the random strategy
// for `iterations` executions (default 2000). Each figure is the best of 3;
// compare the two programs' executions/s (bench/run prints the ratio).

#include <weft/weft.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <mutex>
#include <vector>

#include "result.h"
#include "workloads.h"

namespace {

constexpr int kRounds = 500;

void locked_plain_memory() {
  weft::mutex m;
  int counter = 0;
  std::vector<int> log;
  auto worker = [&] {
    for (int i = 0; i < kRounds; ++i) {
      std::lock_guard<weft::mutex> hold(m);
      counter += 1;
      log.push_back(counter);
    }
  };
  weft::thread a(worker);
  weft::thread b(worker);
  a.join();
  b.join();
  WEFT_ASSERT(counter == 2 * kRounds && log.size() == 2 * kRounds);
}

bench::Measurement run(std::uint64_t iterations) {
  return bench::timed_explore("bench_tsan", locked_plain_memory, bench::random_options(iterations, true));
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t iterations = bench::count_arg(argc, argv, 1, 2000);
  const bench::Measurement m = bench::best_of([&] { return run(iterations); });
#ifdef WEFT_BENCH_TSAN
  const char* workload = "plain-memory-tsan";
#else
  const char* workload = "plain-memory";
#endif
  std::printf("%s: %.0f executions/s (%.1f us per execution of %d locked sections)\n", workload,
              m.executions / m.seconds, m.seconds * 1e6 / static_cast<double>(m.executions), 2 * kRounds);
  bench::print_result("weft", workload, m);
  return 0;
}
