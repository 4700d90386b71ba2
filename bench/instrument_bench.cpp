// bench_instrument and bench_instrument_tsan: what instrumented mode costs,
// on one body (bench/ring_body.h) written over std::atomic and plain int
// and over weft::atomic and weft::var.
//
//   bench_instrument [iterations]       weft's own types, then the same body
//                                       instrumented (weft_instrument)
//   bench_instrument_tsan [iterations]  the std body in ThreadSanitizer mode
//
// Each explores with the random strategy and race detection on, for
// `iterations` executions (default 2000), best of 3, and prints
// executions/s; bench/instrument_ratio runs both and prints the ratios.

#include <cstdint>
#include <cstdio>

#include "result.h"
#include "ring_body.h"
#include "workloads.h"

namespace bench {
void weft_ring() { ring_transfer<weft::atomic<std::size_t>, weft::var<int>>(); }
}  // namespace bench

namespace {
bench::Measurement timed(const char* workload, void (*body)(), std::uint64_t iterations) {
  const bench::Measurement m =
      bench::best_of([&] { return bench::timed_explore("bench_instrument", body, bench::random_options(iterations, true)); });
  std::printf("%s: %.0f executions/s (%.1f us per execution)\n", workload, m.executions / m.seconds,
              m.seconds * 1e6 / static_cast<double>(m.executions));
  bench::print_result("weft", workload, m);
  return m;
}
}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t iterations = bench::count_arg(argc, argv, 1, 2000);
#ifdef WEFT_BENCH_TSAN
  timed("ring-tsan", &bench::std_ring, iterations);
#else
  const bench::Measurement own = timed("ring-weft-types", &bench::weft_ring, iterations);
  const bench::Measurement instrumented = timed("ring-instrumented", &bench::std_ring, iterations);
  std::printf("instrumented / weft's own types: %.2fx the time per execution\n",
              (instrumented.seconds / instrumented.executions) / (own.seconds / own.executions));
#endif
  return 0;
}
