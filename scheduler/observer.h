#pragma once
// Observer: the seam between the engine and the checkers. An observer sees
// every event of an execution, in order, once the operation took effect and
// its event is complete; it may end the execution with Execution::fail
// (a data race, say), which takes effect at the observed thread's next
// scheduling point.

namespace weft::sched {

class Execution;
struct Event;

class Observer {
 public:
  virtual ~Observer() = default;
  // begin is called before an execution's first event.
  virtual void begin(Execution& execution) { (void)execution; }
  // on_event is called for each event, in order.
  virtual void on_event(Execution& execution, const Event& event) = 0;
  // end is called after the execution's last event.
  virtual void end(Execution& execution) { (void)execution; }
};

}  // namespace weft::sched
