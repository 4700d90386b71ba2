#pragma once
// LeakChecker: what an execution that otherwise ended cleanly left behind.
// At its end, a lock still held (its holder ended without unlocking it) or a
// thread that was started but never joined or detached is a Misuse failure,
// since in a real program the first blocks the next locker forever and the
// second is std::terminate. Blocked waiters need no check here: a semaphore
// or latch that can never open leaves its waiters blocked, and that is
// already a Deadlock.

#include <cstdint>
#include <vector>

#include "scheduler/event.h"
#include "scheduler/observer.h"

namespace weft::checkers {

class LeakChecker final : public sched::Observer {
 public:
  void begin(sched::Execution& execution) override;
  void on_event(sched::Execution& execution, const sched::Event& event) override;
  void end(sched::Execution& execution) override;

 private:
  // Held is one lock object's hold count by one thread (shared holds count
  // separately from exclusive ones).
  struct Held {
    sched::ObjectRef lock;
    sched::ThreadId thread;
    bool shared;
    std::uint32_t count;
    sched::Location where;  // where it was last taken
  };
  struct Spawned {
    sched::ThreadId thread;
    sched::Location where;
    bool settled;  // joined or detached
  };

  Held* find(sched::ObjectRef lock, sched::ThreadId thread, bool shared);

  std::vector<Held> held_;
  std::vector<Spawned> spawned_;
};

}  // namespace weft::checkers
