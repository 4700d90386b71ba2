#pragma once
// ThreadSanitizer's reports, as weft takes them over. TSan calls a hook of
// the executable's (weft::tsan defines it: harness/tsan/tsan_hooks.cpp) for
// each report, in the middle of its own reporting: the hook may not switch
// fibers, allocate much or fail anything. So capture() copies what a weft
// failure needs into fixed storage, and the execution that was running
// takes it at its next scheduling point (TsanBridge) and fails with it.
//
// The storage is process-wide because TSan's hook is: it has no context
// argument. Each captured report remembers the execution it arrived in.

#include <cstdint>
#include <string>

#include "scheduler/types.h"

namespace weft::sched {
class Execution;
}

namespace weft::checkers::tsan_report {

// capture copies the report `report` (TSan's ReportDesc) if an execution is
// bound to this OS thread, and counts it as weft's (claimed) or not.
void capture(void* report) noexcept;

// take returns true and the text of the report captured in execution `x`,
// if there is one, and forgets it. `kind` is what TSan saw: a DataRace
// (plain, or on a vtable pointer), a UseAfterFree, or Misuse for its other
// findings (a mutex misuse, a signal-unsafe call, ...).
bool take(const sched::Execution& x, std::string& text, sched::Verdict& kind);

// repeats_in_execution: the execution bound to this OS thread already has a
// report of TSan's. Only its first one matters (weft stops there); the
// rest, often the same race at the next access, are not worth printing.
bool repeats_in_execution() noexcept;

// start_symbolizer starts TSan's symbolizer process now, outside any
// execution, if it is not running yet. TSan starts it with pipe() at its
// first report, and inside an execution weft::interpose would make that a
// weft pipe the runtime cannot use (TSan's runtime is linked into the
// executable, so its calls look like the program's own).
void start_symbolizer() noexcept;

// unclaimed counts the reports that arrived outside any weft execution;
// claimed those that arrived inside one and became (or will become) weft
// failures.
std::uint64_t unclaimed() noexcept;
std::uint64_t claimed() noexcept;

}  // namespace weft::checkers::tsan_report
