#pragma once
// What an exploration checked, for weft::tested_line: the tally of its
// executions' schedules and scheduling points, and which code weft sees in
// this executable.

#include <cstdint>
#include <vector>

#include "scheduler/execution.h"
#include "weft/explore.h"

namespace weft::detail {

// ScheduleTally counts the distinct schedules of an exploration's
// executions (by a 64-bit fingerprint of each: two schedules that differ
// collide with probability 2^-64) and the most scheduling points of one.
// Its table is allocated before the first execution and grows only when
// half full: counting an execution allocates nothing in the common case,
// so a program that broke the C library's heap meets it in its own next
// execution, under weft's crash guard, not here.
class ScheduleTally {
 public:
  // add counts the execution that just ran into `report`.
  void add(const sched::Execution& execution, Report& report);

 private:
  bool insert(std::uint64_t fingerprint);

  std::vector<std::uint64_t> slots_ = std::vector<std::uint64_t>(1024, 0);  // 0: empty
  std::size_t used_ = 0;
};

// quiet says whether WEFT_QUIET=1 asks WEFT_TEST and program tests not to
// print their tested line.
bool quiet() noexcept;

}  // namespace weft::detail
