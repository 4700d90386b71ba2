#include "crash_handler.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "engine_access.h"
#include "failure_builder.h"
#include "token_file.h"

namespace weft::detail {

namespace {
constexpr int kSignals[5] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr std::size_t kAlternateStack = 64 * 1024;
CrashGuard* active_guard = nullptr;

const char* signal_name(int s) noexcept {
  switch (s) {
    case SIGSEGV: return "SIGSEGV (invalid memory access)";
    case SIGBUS: return "SIGBUS (bus error)";
    case SIGFPE: return "SIGFPE (arithmetic error)";
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGABRT: return "SIGABRT (abort)";
  }
  return "a fatal signal";
}

void write_all(const std::string& text) noexcept {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}
}  // namespace

CrashGuard::CrashGuard(std::size_t trace_tail) : trace_tail_(trace_tail), outer_(active_guard) {
  // Stack overflows fault on the guard page with the fiber's stack
  // exhausted: the handler needs a stack of its own.
  alternate_stack_ = ::mmap(nullptr, kAlternateStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ::sigaltstack(nullptr, &previous_stack_);
  if (alternate_stack_ != MAP_FAILED) {
    stack_t ss{};
    ss.ss_sp = alternate_stack_;
    ss.ss_size = kAlternateStack;
    ::sigaltstack(&ss, nullptr);
  } else {
    alternate_stack_ = nullptr;
  }
  struct sigaction action {};
  action.sa_sigaction = &CrashGuard::on_signal;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < 5; ++i) ::sigaction(kSignals[i], &action, &previous_[i]);
  active_guard = this;
}

CrashGuard::~CrashGuard() {
  for (int i = 0; i < 5; ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
  if (alternate_stack_) {
    ::sigaltstack(&previous_stack_, nullptr);
    ::munmap(alternate_stack_, kAlternateStack);
  }
  active_guard = outer_;
}

void CrashGuard::on_signal(int signal, siginfo_t* info, void*) {
  CrashGuard* guard = active_guard;
  static volatile std::sig_atomic_t reporting = 0;
  Execution* x = Execution::bound();
  if (guard && x && !reporting && !x->failure()) {
    reporting = 1;
    std::string what = thread_name(x->current()) + " received " + signal_name(signal);
    const sched::Stack* stack = x->current_stack();
    if ((signal == SIGSEGV || signal == SIGBUS) && stack && info && stack->in_guard(info->si_addr))
      what = "stack overflow in " + thread_name(x->current()) + ": its " + std::to_string(stack->usable() / 1024) +
             " KiB stack ran out (raise it with weft::Options::stack_size)";
    x->crash(what);
    const Failure f = build_failure(*x, x->index(), guard->trace_tail_);
    write_all("\n" + f.to_string() +
              "The process dies now. To see this crash again, step for step: run the same test with " +
              replay_variable(f.token) + " (WEFT_TEST), or weft::replay(\"" + f.token + "\", body).\n");
  }
  // Hand the signal to whoever handled it before (the default action, or a
  // sanitizer): a fault re-executes and reaches it, an abort is re-raised.
  for (int i = 0; i < 5; ++i)
    if (guard && kSignals[i] == signal) ::sigaction(signal, &guard->previous_[i], nullptr);
  if (!guard) ::signal(signal, SIG_DFL);
  if (signal == SIGABRT || !info || info->si_code <= 0) ::raise(signal);
}

}  // namespace weft::detail
