// bench_shrink_vs_bound: for every sample, the failing schedule as found
// and as shrunk against the smallest preemption bound at which a bounded
// exhaustive search finds the same failure (bench/README.md). Exit status 1
// when a shrunk schedule has more preemptions than that bound.
//   bench_shrink_vs_bound [--budget N] [sample...]
// --budget sets Options::shrink_executions (default 5000, weft's default).

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "shrink_vs_bound.h"

int main(int argc, char** argv) {
  std::printf("| sample | kind | found after | found: preemptions, steps | shrunk: preemptions, steps | "
              "shrinking runs | smallest bound | bounded search: runs, step | equal |\n"
              "|---|---|---|---|---|---|---|---|---|\n");
  int status = 0;
  std::uint64_t budget = weft::Options{}.shrink_executions();
  int first = 1;
  if (argc > 2 && std::strcmp(argv[1], "--budget") == 0) {
    budget = std::strtoull(argv[2], nullptr, 10);
    first = 3;
  }
  for (const weft::samples::Sample& sample : weft::samples::all()) {
    bool chosen = argc == first;
    for (int i = first; i < argc; ++i) chosen = chosen || sample.name == argv[i];
    if (!chosen) continue;
    const weft::bench::Measure m = weft::bench::measure(sample, budget);
    if (!m.found) {
      std::printf("| %.*s | not found | | | | | | | |\n", static_cast<int>(sample.name.size()), sample.name.data());
      status = 1;
      continue;
    }
    // A search that stops at another failure first (relaxed_publication's
    // spin, a Hang at bound 0) cannot show the bound; a shrunk schedule
    // with no preemption is then its own proof that the bound is 0.
    const bool equal = m.bound ? *m.bound == m.preemptions : m.preemptions == 0;
    if (!equal) status = 1;
    std::printf("| %.*s | %.*s | %llu | %llu, %llu | %llu, %llu | %llu%s | %s | %s | %s |\n",
                static_cast<int>(sample.name.size()), sample.name.data(),
                static_cast<int>(weft::to_string(m.kind).size()), weft::to_string(m.kind).data(),
                static_cast<unsigned long long>(m.found_after),
                static_cast<unsigned long long>(m.original_preemptions),
                static_cast<unsigned long long>(m.original_steps), static_cast<unsigned long long>(m.preemptions),
                static_cast<unsigned long long>(m.steps), static_cast<unsigned long long>(m.shrink_executions),
                m.cut_short ? " (budget)" : "",
                m.bound ? std::to_string(*m.bound).c_str()
                : m.other.empty() ? "> 4"
                                  : ("search stops first at " + m.other.substr(0, m.other.find(':'))).c_str(),
                m.bound ? (std::to_string(m.bound_executions) + ", " + std::to_string(m.bound_steps)).c_str() : "",
                equal ? "yes" : "**no**");
    std::fflush(stdout);
  }
  return status;
}
