#pragma once
// Shared by bench_weft (C++20) and bench_relacy (C++17): the RESULT line that
// bench/run parses, and the best-of-N timing loop.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace bench {

// Measurement is one timed run of a workload.
struct Measurement {
  std::uint64_t executions = 0;
  double seconds = 0;
};

// kRepetitions: each workload runs this many times and the fastest is kept,
// which filters out most of the noise of a shared machine.
constexpr int kRepetitions = 3;

// best_of runs `once` (which returns a Measurement) kRepetitions times and
// keeps the one with the highest executions per second.
template <class F>
Measurement best_of(F once) {
  Measurement best;
  for (int i = 0; i < kRepetitions; ++i) {
    Measurement m = once();
    if (best.seconds == 0 || m.executions / m.seconds > best.executions / best.seconds) best = m;
  }
  return best;
}

// seconds_since gives the steady-clock time elapsed since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// print_result writes the machine-readable line bench/run reads; `extra` is
// appended as more key=value pairs.
inline void print_result(const char* tool, const char* workload, const Measurement& m,
                         const std::string& extra = "") {
  std::printf("RESULT tool=%s workload=%s executions=%llu seconds=%.6f per_sec=%.0f%s%s\n", tool,
              workload, static_cast<unsigned long long>(m.executions), m.seconds,
              m.seconds > 0 ? m.executions / m.seconds : 0.0, extra.empty() ? "" : " ",
              extra.c_str());
  std::fflush(stdout);
}

// count_arg reads argv[index] as a positive count, or gives `fallback`.
inline std::uint64_t count_arg(int argc, char** argv, int index, std::uint64_t fallback) {
  if (argc <= index) return fallback;
  char* end = nullptr;
  unsigned long long n = std::strtoull(argv[index], &end, 10);
  if (end == argv[index] || *end != '\0' || n == 0) {
    std::fprintf(stderr, "%s: expected a positive count, got '%s'\n", argv[0], argv[index]);
    std::exit(2);
  }
  return n;
}

}  // namespace bench
