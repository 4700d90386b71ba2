#pragma once
// CrashGuard: while an exploration runs, a fatal signal in the body
// (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) prints the failure report and
// its replay token before the process dies the way it would have. A fault
// in a thread's guard page is reported as a stack overflow. Signal
// dispositions are process-wide, so the active guard is too.

#include <csignal>
#include <cstddef>

namespace weft::detail {

class CrashGuard {
 public:
  explicit CrashGuard(std::size_t trace_tail);
  CrashGuard(const CrashGuard&) = delete;
  CrashGuard& operator=(const CrashGuard&) = delete;
  ~CrashGuard();

 private:
  static void on_signal(int signal, siginfo_t* info, void* context);

  std::size_t trace_tail_;
  CrashGuard* outer_;
  struct sigaction previous_[5];
  stack_t previous_stack_;
  void* alternate_stack_ = nullptr;
};

}  // namespace weft::detail
