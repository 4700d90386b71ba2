#pragma once
// The timeline of a failing execution (Options::trace_file): its events as
// Chrome trace-event JSON, which the Perfetto UI and chrome://tracing open.
// One track per weft thread, grouped by simulated process; a slice per
// operation and per blocked interval; flow arrows for the happens-before
// edges that explain a failure. docs/reading-a-report.md#timeline shows one.

#include <cstdint>
#include <string>
#include <vector>

#include "scheduler/execution.h"
#include "scheduler/observer.h"

namespace weft::detail {

// TimelineRecorder notes, for one recording execution, what its events do
// not hold: the virtual time of each event, and which threads wait blocked
// as it happens. Tap it on the execution for that run only (a tap makes
// every execution record) with Execution::keep_events(0), so that its
// notes and the execution's events line up one for one.
class TimelineRecorder final : public sched::Tap {
 public:
  // Change is a thread starting or ending a blocked interval at an event.
  struct Change {
    std::size_t event = 0;    // index in Execution::events()
    sched::ThreadId thread = 0;
    bool blocked = false;     // it starts (true) or ends (false) waiting there
    sched::OpKind op = sched::OpKind::Yield;  // what it waits to do (when blocked)
    sched::ObjectRef object;
    sched::Location where;
  };

  void on_start(sched::Execution&, sched::ThreadId) override {}
  void on_record(sched::Execution& x, const sched::Event& e) override;

  // times: the virtual time of each event, in event order.
  const std::vector<sched::Time>& times() const noexcept { return times_; }
  // changes: every start and end of a blocked interval, in event order.
  const std::vector<Change>& changes() const noexcept { return changes_; }

 private:
  std::vector<sched::Time> times_;
  std::vector<Change> changes_;
  std::vector<sched::ThreadId> blocked_;  // at the last event, in thread order
  std::vector<sched::ThreadId> now_;      // scratch
};

// timeline_path is the file the timeline of the failure of test `key` goes
// to under the pattern `pattern` (Options::trace_file): "%t" replaced by
// the key (characters other than letters, digits, '.', '-' and '_' become
// '_'; an empty key is "weft"), "<key>.json" added to a directory (an
// existing one, or a pattern that ends with '/', made if missing), and a
// path this process returned before given "-2", "-3", ... before its
// extension, so that no failure silently overwrites another's timeline.
std::string timeline_path(const std::string& pattern, const std::string& key);

// write_timeline writes the timeline of `x`, the failed execution that just
// ran with `recorder` tapped and every event kept, to `path`. Returns what
// went wrong, or an empty string.
std::string write_timeline(const sched::Execution& x, const TimelineRecorder& recorder, const std::string& path);

}  // namespace weft::detail
