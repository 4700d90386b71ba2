#pragma once
// What an exploration checked, for weft::tested_line: the tally of its
// executions' schedules and scheduling points, and which code weft sees in
// this executable.

#include <cstdint>
#include <unordered_set>

#include "scheduler/execution.h"
#include "weft/explore.h"

namespace weft::detail {

// ScheduleTally counts the distinct schedules of an exploration's
// executions (by a 64-bit fingerprint of each: two schedules that differ
// collide with probability 2^-64) and the most scheduling points of one.
class ScheduleTally {
 public:
  // add counts the execution that just ran into `report`.
  void add(const sched::Execution& execution, Report& report);

 private:
  std::unordered_set<std::uint64_t> seen_;
};

// quiet says whether WEFT_QUIET=1 asks WEFT_TEST and program tests not to
// print their tested line.
bool quiet() noexcept;

}  // namespace weft::detail
