#pragma once
// ProgressLine: the live line an exploration longer than about a second
// shows on a terminal (issue 12, item 5): executions so far, executions per
// second, failures, discarded executions and, for an exhaustive strategy, the classes covered.
// It rewrites one line in place ("\r" and erase-to-end) at most a few times
// a second, and erases it when the exploration ends, so the report that
// follows starts on a clean line.
//
// Whether it shows at all is Options::progress: Auto shows it only when
// standard error is a terminal and the process is not a CTest test (CTest
// sets DASHBOARD_TEST_FROM_CTEST for every test it runs), so test logs stay
// clean unless asked with Progress::On or WEFT_PROGRESS=1.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>

#include "weft/options.h"

namespace weft::detail {

class ProgressLine {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // kQuiet is how long an exploration runs before the line first shows;
  // kInterval how long between two updates.
  static constexpr std::chrono::milliseconds kQuiet{1000};
  static constexpr std::chrono::milliseconds kInterval{250};

  // ProgressLine writes to `out` when `shown`; `now` reads the clock (tests
  // pass a fake one).
  ProgressLine(bool shown, std::ostream& out, Clock now);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  // ~ProgressLine erases the line if it showed.
  ~ProgressLine();

  // update is called after each execution with the totals so far:
  // executions run, failures found, executions discarded (an assume that
  // did not hold); `classes` is set by strategies that count equivalence
  // classes (dpor).
  void update(std::uint64_t executions, std::uint64_t failures, std::uint64_t discarded,
              std::optional<std::uint64_t> classes = {});
  // finish erases the line now (before a report is printed).
  void finish();

  // shows says whether a line was written.
  bool shows() const noexcept { return written_; }

 private:
  bool shown_;
  std::ostream& out_;
  Clock now_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point next_;
  bool written_ = false;
};

// progress_shown decides Options::progress's Auto case for this process.
bool progress_shown(Progress setting);

}  // namespace weft::detail
