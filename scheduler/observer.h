#pragma once
// Observer: the seam between the engine and the checkers. An observer sees
// every event of an execution, in order, once the operation took effect and
// its event is complete; it may end the execution with Execution::fail
// (a data race, say), which takes effect at the observed thread's next
// scheduling point.

#include "scheduler/types.h"

namespace weft::sched {

class Execution;
struct Event;

class Observer {
 public:
  virtual ~Observer() = default;
  // begin is called before an execution's first event.
  virtual void begin(Execution& execution) { (void)execution; }
  // wants_events, asked after begin(), says whether on_event is to be
  // called in this execution: an observer that samples executions saves
  // the call per event in the others (end() is called regardless).
  virtual bool wants_events() const { return true; }
  // on_event is called for each event, in order.
  virtual void on_event(Execution& execution, const Event& event) = 0;
  // end is called after the execution's last event; it may still fail the
  // execution (with nothing left to unwind), for what is only known then.
  virtual void end(Execution& execution) { (void)execution; }
};

// Tap: sees each event synchronously, while the operation that recorded it
// is still under way on its thread, and each thread's start, before its
// body runs. Observers learn of an event only at the next scheduling point;
// a tool that watches the program's own memory accesses (ThreadSanitizer)
// must learn of a happens-before edge before the thread touches memory
// again. A tap must not fail the execution, switch, or call user code; one
// that keeps per-execution state is also an Observer, whose begin() runs
// before the first thread starts.
class Tap {
 public:
  virtual ~Tap() = default;
  // on_start is called on thread `thread`'s fiber before its body runs.
  virtual void on_start(Execution& execution, ThreadId thread) = 0;
  // on_record is called for each event as it is recorded; flags, peer and
  // memory order are set, values may not be yet.
  virtual void on_record(Execution& execution, const Event& event) = 0;
};

}  // namespace weft::sched
