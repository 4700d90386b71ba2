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

// Shrinking says how explore simplified the schedule of the failure it
// found (Options::shrink): the Failure is the one of the simplest schedule
// it found that fails the same way (the same kind, at the same place, or the
// same racing pair); this is the schedule as first found, and the effort.
struct Shrinking {
  std::string original_token;             // replays the failure as first found
  std::uint64_t original_preemptions = 0; // switches away from a thread that could have gone on
  std::uint64_t original_steps = 0;       // the scheduling decision it failed at
  std::uint64_t preemptions = 0;          // the same, of the shrunk schedule (Failure::token)
  std::uint64_t steps = 0;
  std::uint64_t executions = 0;           // executions shrinking ran
  bool cut_short = false;                 // Options::shrink_executions or shrink_milliseconds ran
                                          // out before no edit of the schedule helped any more
  std::string cause;                      // the ordering that causes the failure, in one line: the
                                          // preemption of the shrunk schedule whose flip makes it go
                                          // away, or why none was found
};

// Regressions says what explore did with the test's regression file
// (Options::regressions): it replayed the entries' tokens first, re-ran the
// search of each entry whose token no longer fit, and added the failure it
// found, if new. docs/replaying.md#regression-files.
struct Regressions {
  std::string file;             // the regression file's path
  std::uint64_t entries = 0;    // entries in it when the run began
  std::uint64_t replayed = 0;   // entries whose token was replayed (all of them, unless one failed)
  std::uint64_t rederived = 0;  // of those, entries whose token no longer fit and whose search found
                                // the same kind of failure again: the file now holds the new token
  std::uint64_t stale = 0;      // entries whose token no longer fit and whose search found no such
                                // failure: the bug is fixed, or the test changed
  std::string stale_lines;      // those entries, one line each: where and what they recorded
  std::uint64_t from_line = 0;  // the line of the entry the Report's failure comes from, or 0
  bool from_search = false;     // that failure was re-derived by the entry's search, not replayed
  std::uint64_t added_line = 0; // the line the Report's failure was added at, or 0
  std::string note;             // what went wrong writing the file, if anything
};

// regressions_text is the lines a report shows for its regression file: the
// counts in one line, the stale entries, and where the failure comes from
// or was added.
std::string regressions_text(const Regressions& r);

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
  std::uint64_t endless = 0;       // of the discarded, those that reached the step budget in a
                                   // program test that reads that as "no verdict" (docs/c-programs.md);
                                   // an exploration with any is never exhausted()
  std::optional<Shrinking> shrinking;  // set when explore shrank the failure's schedule
  std::string timeline;            // with Options::trace_file, for a failure with a token: the file
                                   // its timeline went to, or "not written: " and why
  std::optional<Regressions> regressions;  // set when explore used a regression file

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

// operator<< prints the failure's report, when it was shrunk what
// shrinking did (shrinking_text), where its timeline went (timeline_text),
// then what the regression file gave (regressions_text).
std::ostream& operator<<(std::ostream& out, const Report& report);

// timeline_text is the line a report adds when Options::trace_file asked
// for a timeline: "timeline: <path>" (or why none was written); else "".
std::string timeline_text(const Report& report);

// tested_line is the one line that says what an exploration (or a replay)
// checked, and under which model: executions run, distinct schedules,
// the most scheduling points in one execution, failures, whether the space
// was exhausted, which code weft sees (its own primitives, interposed
// std::thread and pthreads, instrumented code, ThreadSanitizer mode), and
// the memory model. It ends with a warning when the code made almost no
// operation weft controls. WEFT_TEST and program tests print it unless
// WEFT_QUIET=1.
std::string tested_line(const Report& report);
// shrinking_text is the lines a report adds for a shrunk failure: the
// preemptions and steps before and after, and the original token.
std::string shrinking_text(const Shrinking& s);

// explore runs `body` up to options.iterations() times, each time as a fresh
// execution whose threads the strategy interleaves, and stops at the first
// failure. With Options::regressions it replays the test's regression file
// first, and adds the failure it finds to it. The body runs as weft thread 0; every weft primitive it or its
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
