#pragma once
// shrink_vs_bound: measures, for one sample, the failing schedule as found
// and as shrunk (preemptions and steps) against the smallest preemption
// bound at which an exhaustive bounded search (Options::preemption_bound)
// finds the same failure: the shrunk schedule is as simple as it can be
// only if its preemptions are that bound. Shared by bench/shrink_vs_bound.cpp
// (the table of bench/README.md) and tests/shrink_bound_test.cpp.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sample.h"
#include "shrink.h"  // harness/src: numbers_masked, as shrinking compares messages
#include "weft/weft.h"

namespace weft::bench {

// same_failure: the same kind, at the same place. A deadlock is its blocked
// threads' waits and places; any other failure its message (which names
// the assertion's place, or the racing pair's accesses and places), with
// thread, object and step numbers masked.
inline bool same_failure(const Failure& a, const Failure& b) {
  if (a.kind != b.kind) return false;
  if (a.kind != FailureKind::Deadlock) return detail::numbers_masked(a.message) == detail::numbers_masked(b.message);
  const auto waits = [](const Failure& f) {
    std::vector<std::string> out;
    for (const ThreadSnapshot& t : f.threads)
      if (t.state == "blocked")
        out.push_back(detail::numbers_masked(t.waiting_for) + " at " + t.file + ":" + std::to_string(t.line));
    std::sort(out.begin(), out.end());
    return out;
  };
  return waits(a) == waits(b);
}

// Measure is one sample's row.
struct Measure {
  bool found = false;                 // the sampling exploration found the bug
  FailureKind kind = FailureKind::AssertionFailed;
  std::uint64_t found_after = 0;      // its executions
  std::uint64_t original_preemptions = 0, original_steps = 0;
  std::uint64_t preemptions = 0, steps = 0;  // shrunk (the same as found when nothing shrank)
  std::uint64_t shrink_executions = 0;
  bool cut_short = false;             // shrinking's budget ended it
  std::optional<std::uint32_t> bound; // the smallest bound finding the same failure
  std::uint64_t bound_executions = 0; // the search at that bound, to its failure
  std::uint64_t bound_steps = 0;      // the step that search's failure came at
  std::string other;                  // a different failure a bounded search found first
};

// kMaxBound is the largest preemption bound measure tries.
inline constexpr std::uint32_t kMaxBound = 4;

// measure explores `sample` as weft-demo does (pct:3, seed 1, 10000
// executions, shrinking without a time limit, so the result does not
// depend on the machine), then searches with bounds 0, 1, ... kMaxBound.
// The searches check no lock order: its confirmation of a cycle, run once
// the search is over, steers executions that preempt at will, so a
// deadlock it finds says nothing about the bound.
// `shrink_executions` is shrinking's budget (Options::shrink_executions).
inline Measure measure(const samples::Sample& sample, std::uint64_t shrink_executions = Options{}.shrink_executions()) {
  Measure m;
  const Options base = Options{}.race_detection(sample.race_detection).process_crashes(sample.process_crashes);
  const Report found = explore(
      sample.buggy, Options(base).iterations(10000).shrink_milliseconds(0).shrink_executions(shrink_executions));
  if (!found.failure) return m;
  m.found = true;
  m.kind = found.failure->kind;
  m.found_after = found.executions;
  if (found.shrinking) {
    const Shrinking& s = *found.shrinking;
    m.original_preemptions = s.original_preemptions;
    m.original_steps = s.original_steps;
    m.preemptions = s.preemptions;
    m.steps = s.steps;
    m.shrink_executions = s.executions;
    m.cut_short = s.cut_short;
  } else {
    m.original_steps = m.steps = found.failure->step;  // no choice to shrink: no preemption either
  }
  for (std::uint32_t k = 0; k <= kMaxBound; ++k) {
    const Report bounded = explore(
        sample.buggy,
        Options(base).strategy(Strategy::dpor()).preemption_bound(k).lock_order(false).shrink(false).iterations(
            1000000));
    if (!bounded.failure) continue;
    if (!same_failure(*bounded.failure, *found.failure)) {
      m.other = std::string(to_string(bounded.failure->kind)) + " at bound " + std::to_string(k) + ": " +
                bounded.failure->message.substr(0, bounded.failure->message.find('\n'));
      break;
    }
    m.bound = k;
    m.bound_executions = bounded.executions;
    m.bound_steps = bounded.failure->step;
    break;
  }
  return m;
}

}  // namespace weft::bench
