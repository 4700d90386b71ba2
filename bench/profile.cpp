// bench_profile: one exploration of one benchmark workload, nothing else,
// for instruction counting (bench/callgrind runs it under callgrind at two
// execution counts and divides the difference).
//
//   bench_profile <workload> <executions>
//
// Workloads: mutex, mutex-checkers-off (bench_weft's, random strategy),
// mutex-pct and mutex-pct-checkers-off (the same under pct(3)), solo-mutex
// and solo-var.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "result.h"
#include "workloads.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <workload> <executions>\n", argv[0]);
    return 2;
  }
  const std::string workload = argv[1];
  const std::uint64_t executions = bench::count_arg(argc, argv, 2, 1);
  if (workload == "mutex" || workload == "mutex-checkers-off") {
    bench::timed_explore("bench_profile", &bench::locked_counter<5>,
                         bench::random_options(executions, workload == "mutex"));
  } else if (workload == "mutex-pct" || workload == "mutex-pct-checkers-off") {
    bench::timed_explore(
        "bench_profile", &bench::locked_counter<5>,
        bench::random_options(executions, workload == "mutex-pct").strategy(weft::Strategy::pct(3)));
  } else if (workload.rfind("many-readers-", 0) == 0) {
    const int n = std::atoi(workload.c_str() + 13);
    bench::timed_explore("bench_profile", [n] { bench::many_readers(n); }, bench::random_options(executions, true));
  } else if (workload == "replay") {
    // weft::replay of a short token, `executions` times.
    const auto body = [] {
      weft::var<int> x{0};
      weft::thread a([&] { x.set(x.get() + 1); });
      weft::thread b([&] { x.set(x.get() + 1); });
      a.join();
      b.join();
      WEFT_ASSERT(x.get() == 2);
    };
    const weft::Report found = weft::explore(body, weft::Options{}.race_detection(false).iterations(1000));
    if (found.ok()) return 1;
    for (std::uint64_t i = 0; i < executions; ++i)
      if (weft::replay(found.failure->token, body).ok()) return 1;
  } else if (workload == "empty-threads") {
    // Two threads that do nothing: the fixed cost of an execution.
    bench::timed_explore(
        "bench_profile",
        [] {
          weft::thread a([] {});
          weft::thread b([] {});
          a.join();
          b.join();
        },
        bench::random_options(executions, true));
  } else if (workload == "solo-mutex" || workload == "solo-var") {
    // One thread alone: the cost of an operation without any switch.
    const bool locks = workload == "solo-mutex";
    bench::timed_explore(
        "bench_profile",
        [locks] {
          weft::mutex m;
          weft::var<int> v{0};
          for (int i = 0; i < 1000; ++i) {
            if (locks) {
              m.lock();
              m.unlock();
            } else {
              v.set(v.get() + 1);
            }
          }
        },
        bench::random_options(executions, true));
  } else {
    std::fprintf(stderr, "%s: unknown workload %s\n", argv[0], workload.c_str());
    return 2;
  }
  return 0;
}
