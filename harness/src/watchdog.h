#pragma once
// Watchdog: a wall-clock guard for code that reaches no scheduling point
// at all (an uninstrumented busy loop, a blocking system call weft does not
// model, a real std::mutex locked twice without weft::interpose), which no
// step limit can see. While an exploration or a replay runs, an OS thread
// of its own looks, a few times a second, at how many operations the
// execution has made; when a weft thread made none for the whole timeout,
// it sends that thread's OS thread a signal whose handler (on the stuck
// weft thread) records a Hang naming the thread, its last weft operation
// and its current stack, and drops the thread: the execution ends with a
// report and the token of the schedule so far, and the test binary goes on.
// Time is measured since the last scheduling point, not per execution;
// under valgrind the timeout is stretched twenty times.

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "scheduler/execution.h"

namespace weft::detail {

class Watchdog {
 public:
  // Watchdog guards `execution`, run by the calling OS thread, with a
  // timeout of `seconds` (0: no watchdog).
  Watchdog(const sched::Execution& execution, unsigned seconds);
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog();

 private:
  void watch();

  const sched::Execution& execution_;
  const unsigned milliseconds_;
  const pthread_t runner_;
  std::mutex guard_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace weft::detail
