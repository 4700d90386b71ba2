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

  // Exhaustive search (Strategy::dpor(), Options::preemption_bound):
  std::uint64_t redundant = 0;     // runs, not among `executions`, that repeated executions explored
                                   // already: cut short where every continuation was explored (dpor's
                                   // sleep-set blocked runs), or a lower preemption bound's schedules
                                   // run again on the way to the next bound's
  bool searched_all = false;       // the search reached the end of its space
  std::string space;               // what that space is, e.g. "every schedule with at most 2 preemptions"
  std::string not_searched;        // for a search that did not reach its end: what stopped or narrowed it

  bool ok() const noexcept { return !failure.has_value(); }
  // exhausted: an exhaustive search explored every execution of its space
  // (`space`: within its bounds) and none failed, so the test holds for
  // all of them. False for random strategies, and when the time limit or
  // the iteration cap stopped the search, when value choices were cut
  // short, or when the body did not repeat itself (see `not_searched`).
  bool exhausted() const noexcept { return searched_all && ok(); }
};

std::ostream& operator<<(std::ostream& out, const Report& report);

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
