#pragma once
// CrashGuard: while an exploration runs, a fatal signal on a weft thread
// (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) or std::terminate is a failure
// of the execution, not the end of the process: the failure is recorded
// (Crash; a fault in a thread's guard page is a stack overflow; an
// exception that reached std::terminate is an UncaughtException), the
// thread is dropped where it stands (Execution::drop_current) and the
// exploration goes on to report it, so the other tests of a test binary
// still run. Weft's own Unwind reaching std::terminate (thrown through a
// noexcept function) only drops the thread: its failure is recorded
// already. A signal elsewhere (on the scheduler's own stack) prints the
// report and its token, and the process dies the way it would have.
// Signal dispositions and the terminate handler are process-wide, so the
// active guard is too.

#include <csignal>
#include <cstddef>

namespace weft::detail {

// crash_report_begins, where the executable defines it (a program test's
// driver: weft::program), is called before a report is built: the code under
// test may have left the C library's heap broken or locked, and it makes
// weft's own allocations stop using that heap. A weak reference.
void crash_report_begins() noexcept __attribute__((weak));

class CrashGuard {
 public:
  explicit CrashGuard(std::size_t trace_tail);
  CrashGuard(const CrashGuard&) = delete;
  CrashGuard& operator=(const CrashGuard&) = delete;
  ~CrashGuard();

 private:
  static void on_signal(int signal, siginfo_t* info, void* context);
  [[noreturn]] static void on_terminate();

  std::size_t trace_tail_;
  CrashGuard* outer_;
  struct sigaction previous_[5];
  stack_t previous_stack_;
  void* alternate_stack_ = nullptr;
  void (*previous_terminate_)() = nullptr;
};

}  // namespace weft::detail
