#pragma once
// weft::explore and weft::replay: run a test body under the controlled scheduler.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "weft/failure.h"
#include "weft/options.h"

namespace weft {

// Report is the outcome of explore or replay.
struct Report {
  std::optional<Failure> failure;  // the first failure found, if any
  std::uint64_t executions = 0;    // executions run, including the failing one
  std::uint64_t discarded = 0;     // of those, ended by a failed assumption (__VERIFIER_assume):
                                   // they count as run but checked nothing after it
  std::uint64_t stopped = 0;       // of those, ended by the program (exit, main returning)
                                   // while other threads still ran: see docs/c-programs.md
  std::uint64_t distinct_schedules = 0;  // executions whose schedule no earlier one took
  std::uint64_t most_points = 0;         // the most scheduling points one execution reached
  bool race_detection = false;           // whether the race detector checked the executions

  bool ok() const noexcept { return !failure.has_value(); }
};

std::ostream& operator<<(std::ostream& out, const Report& report);

// tested_line is the one line that says what an exploration (or a replay)
// checked, and under which model: executions run, distinct schedules,
// the most scheduling points in one execution, failures, whether the space
// was exhausted, which code weft sees (its own primitives, interposed
// std::thread and pthreads, instrumented code, ThreadSanitizer mode), and
// the memory model. It ends with a warning when the code made almost no
// operation weft controls. WEFT_TEST and program tests print it unless
// WEFT_QUIET=1.
std::string tested_line(const Report& report);

// explore runs `body` up to options.iterations() times, each time as a fresh
// execution whose threads the strategy interleaves, and stops at the first
// failure. The body runs as weft thread 0; every weft primitive it or its
// threads touch is a scheduling point. explore never throws for a bug in the
// body: that is a Failure in the Report.
Report explore(const std::function<void()>& body, const Options& options = Options{});

// replay runs `body` once along the schedule recorded in `token` and returns
// the same Failure (same kind, trace and token). A malformed token, or one
// whose schedule does not fit this body, gives a Failure of kind ReplayError
// that says what is wrong.
Report replay(std::string_view token, const std::function<void()>& body,
              const Options& options = Options{});

}  // namespace weft
