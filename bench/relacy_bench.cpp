// bench_relacy: Relacy's side of the mutex benchmark (see bench/README.md).
//
//   bench_relacy [iterations]
//
// The same test as bench_weft's mutex workload: two threads each lock an
// rl::mutex five times around `v = v + 1` on an rl::var<int>, and after()
// asserts v == 10. Random scheduler, `iterations` executions (default
// 200000), best of 3. Built with -std=c++17 against Debian's relacy-dev.

#include <relacy/relacy.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "result.h"

namespace {

struct MutexTest : rl::test_suite<MutexTest, 2> {
  rl::mutex m;
  rl::var<int> v;

  void before() { v($) = 0; }

  void thread(unsigned /*index*/) {
    for (int i = 0; i < 5; ++i) {
      m.lock($);
      v($) = v($) + 1;
      m.unlock($);
    }
  }

  void after() { RL_ASSERT(v($) == 10); }
};

bench::Measurement run_mutex(std::uint64_t iterations) {
  // Relacy writes its banner, progress and summary to these streams (a null
  // pointer crashes it); keep them and show them only if the test fails.
  std::ostringstream log;
  rl::test_params params;
  params.iteration_count = iterations;
  params.search_type = rl::sched_random;
  params.output_stream = &log;
  params.progress_stream = &log;
  auto start = std::chrono::steady_clock::now();
  bool passed = rl::simulate<MutexTest>(params);
  double seconds = bench::seconds_since(start);
  if (!passed || params.test_result != rl::test_result_success) {
    std::cerr << "bench_relacy: the mutex workload failed, which it must not:\n" << log.str();
    std::exit(1);
  }
  return {static_cast<std::uint64_t>(params.stop_iteration), seconds};
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t iterations = bench::count_arg(argc, argv, 1, 200000);
  // One run and no more, for instruction counting (bench/callgrind).
  if (const char* once = std::getenv("WEFT_BENCH_ONCE"); once && *once == '1') {
    run_mutex(iterations);
    return 0;
  }
  bench::Measurement mutex = bench::best_of([&] { return run_mutex(iterations); });
  std::printf("relacy mutex: %llu executions in %.3f s (best of %d)\n",
              static_cast<unsigned long long>(mutex.executions), mutex.seconds, bench::kRepetitions);
  bench::print_result("relacy", "mutex", mutex);
  return 0;
}
