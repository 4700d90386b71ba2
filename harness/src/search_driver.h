#pragma once
// What explore needs around the executions of one exploration beyond
// running them: the time limit (every strategy), and for an exhaustive
// search the iteration cap, the checkpoint, how each run counts in the
// Report, and what the report says about the space it covered.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "checkpoint.h"
#include "scheduler/search.h"
#include "weft/explore.h"

namespace weft::detail {

// Deadline is Options::time_limit measured from its construction.
class Deadline {
 public:
  explicit Deadline(const Options& options);
  // passed: the time limit is set and over.
  bool passed() const;
  // reason is what a report says when the limit stopped the exploration.
  std::string reason() const;

 private:
  std::optional<std::chrono::nanoseconds> limit_;
  std::chrono::steady_clock::time_point start_;
};

// SearchDriver runs alongside an exhaustive search's executions.
class SearchDriver {
 public:
  SearchDriver(sched::Search& search, const Options& options, Report& report);

  // start resumes from the checkpoint, if there is one for this
  // exploration; a Misuse failure when the file cannot be resumed from.
  std::optional<Failure> start();
  // more says whether to run another execution; when the time limit or the
  // iteration cap stops the search, the report says so.
  bool more();
  // index is the number to run the next execution with.
  std::uint64_t index() const noexcept { return index_; }
  // counted takes the execution that just ran into the report's counts and
  // says whether it is one of report.executions.
  bool counted();
  // finish ends the search: the report says what it covered, and the
  // checkpoint is kept for a later run to resume (stopped early) or
  // forgotten (the search ended, or failed).
  void finish(bool failed);

 private:
  std::string settings() const;
  void save();

  sched::Search& search_;
  const Options& options_;
  Report& report_;
  Deadline deadline_;
  std::optional<Checkpoint> checkpoint_;
  std::chrono::steady_clock::time_point saved_at_;
  std::uint64_t runs_ = 0;    // in this call of explore
  std::uint64_t index_ = 0;   // across resumes
};

}  // namespace weft::detail
