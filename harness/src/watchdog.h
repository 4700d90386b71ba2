#pragma once
// Watchdog: a wall-clock guard for code that reaches no scheduling point
// at all (an uninstrumented busy loop, a blocking system call weft does not
// model, a real std::mutex locked twice without weft::interpose), which no
// step limit can see. While an exploration or a replay runs, it is
// registered with one OS thread per process (started at the first one, and
// idle between them), which looks a few times a second at how many
// operations each registered execution has made; when a weft thread made
// none for the whole timeout, it sends that execution's OS thread a signal
// whose handler (on the stuck weft thread) records a Hang naming the
// thread, its last weft operation and its current stack, and drops the
// thread: the execution ends with a report and the token of the schedule
// so far, and the test binary goes on. Time is measured since the last
// scheduling point, not per execution; under valgrind the timeout is
// stretched twenty times. Registering costs a lock, not a thread, so a
// replay stays as cheap as one execution.

#include <sys/types.h>

#include <chrono>
#include <cstdint>

#include "scheduler/execution.h"

namespace weft::detail {

class Watchdog {
 public:
  // Watchdog guards `execution`, run by the calling OS thread, with a
  // timeout of `seconds` (0: no watchdog), until it is destroyed.
  Watchdog(const sched::Execution& execution, unsigned seconds);
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog();

  // Watch is what the watching thread keeps of one guarded execution.
  struct Watch {
    const sched::Execution* execution = nullptr;
    pid_t runner = 0;  // the OS thread's id (tgkill: no interposed pthread_kill, no loader lock)
    std::chrono::milliseconds timeout{0};
    std::uint64_t last_operations = ~std::uint64_t{0};
    std::uint64_t last_generation = 0;
    std::chrono::steady_clock::time_point since{};
    Watch* next = nullptr;
  };

 private:
  Watch watch_;
  bool registered_ = false;
  const sched::Execution* outer_ = nullptr;  // a replay's shrink inside an explore: restored after
  unsigned outer_seconds_ = 0;
};

}  // namespace weft::detail
