#pragma once
// EscapeChecker: real OS threads that appear while an execution runs. weft
// runs every thread it knows of on one OS thread, so a new OS thread means
// code created a thread behind weft's back (std::thread or pthread_create in
// an executable that does not link weft::interpose, C11 thrd_create, clone,
// a library's own thread pool): weft neither schedules nor sees what that
// thread does, and the exploration's results are not to be trusted.
//
// It counts the process's threads (/proc/self/task) at the start of an
// execution and again after its 1st, 2nd, 4th, 8th, ... event and at its
// end; only executions 0, 1, 2, 4, 8, ... are watched (and every replay),
// so the cost stays a few system calls per exploration. A thread that is
// created and gone between two counts is not seen.

#include <cstdint>

#include "scheduler/observer.h"

namespace weft::checkers {

class EscapeChecker final : public sched::Observer {
 public:
  void begin(sched::Execution& execution) override;
  bool wants_events() const override { return watching_; }
  void on_event(sched::Execution& execution, const sched::Event& event) override;
  void end(sched::Execution& execution) override;

  // os_threads is the number of threads the process has now (0 if
  // /proc/self/task cannot be read), weft's own helpers left out.
  static int os_threads() noexcept;

  // own_thread notes that the calling OS thread is one of weft's helpers (a
  // source-line look-up on a stack of its own, made during an execution): it
  // is not a thread behind weft's back, also when a debugger keeps it in the
  // count after it ended (a traced thread stays until the tracer reaps it).
  static void own_thread() noexcept;

 private:
  void check(sched::Execution& execution);

  bool watching_ = false;
  int baseline_ = 0;
  std::uint64_t events_ = 0;
  std::uint64_t next_check_ = 1;
};

}  // namespace weft::checkers
