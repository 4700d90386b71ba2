// fork inside an execution is Misuse: weft runs every thread of the test
// on one OS thread, and a child made by fork would carry a copy of the
// whole scheduler, run the test's other threads nowhere and replay
// nothing. Simulated processes (weft::process) are the model weft has.
// Outside an execution fork is the C library's (GoogleTest's death tests).

#include <unistd.h>

#include <cerrno>

#include "io_report.h"
#include "real_io.h"

using namespace weft::interpose;

extern "C" pid_t fork() noexcept {
  Execution* x = controlling();
  if (!x) return real::fork();
  misuse_at(*x,
            "calls fork: weft cannot run a forked child under its scheduler (it would copy every weft thread "
            "and the scheduler itself); test the processes' code as weft::process or with threads",
            __builtin_return_address(0));
  leave_if_ending(*x);  // after the message's temporaries are gone
  errno = ENOSYS;
  return -1;
}
