#include "crash_handler.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <typeinfo>
#include <vector>

#include "engine_access.h"
#include "failure_builder.h"
#include "process_exit.h"
#include "token_file.h"

namespace weft::detail {

namespace {
constexpr int kSignals[5] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr std::size_t kAlternateStack = 64 * 1024;
CrashGuard* active_guard = nullptr;

// Alternate stacks are kept for the next guard, as a replay or a short
// exploration would otherwise map and unmap one each time. MAP_FAILED when
// none could be mapped.
std::mutex stacks_guard;
std::vector<void*>* idle_stacks = new std::vector<void*>;  // lives as long as the process

void* take_alternate_stack() {
  {
    const sched::Execution::Uncontrolled weft_itself;
    const std::lock_guard<std::mutex> hold(stacks_guard);
    if (!idle_stacks->empty()) {
      void* stack = idle_stacks->back();
      idle_stacks->pop_back();
      return stack;
    }
  }
  return ::mmap(nullptr, kAlternateStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

void keep_alternate_stack(void* stack) {
  const sched::Execution::Uncontrolled weft_itself;
  const std::lock_guard<std::mutex> hold(stacks_guard);
  if (idle_stacks->size() < 4) {
    idle_stacks->push_back(stack);
  } else {
    ::munmap(stack, kAlternateStack);
  }
}

// weft's own exit, abort and __assert_fail (process_exit.cpp) must be in
// every executable that explores: referring to them here pulls them out of
// the static library.
[[gnu::used]] void (*const kProcessEnds[])() = {
    reinterpret_cast<void (*)()>(&::exit),
    reinterpret_cast<void (*)()>(&::abort),
    reinterpret_cast<void (*)()>(&::__assert_fail),
};

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
  alternate_stack_ = take_alternate_stack();
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
  previous_terminate_ = std::set_terminate(&CrashGuard::on_terminate);
  active_guard = this;
}

CrashGuard::~CrashGuard() {
  std::set_terminate(previous_terminate_);
  for (int i = 0; i < 5; ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
  if (alternate_stack_) {
    ::sigaltstack(&previous_stack_, nullptr);
    keep_alternate_stack(alternate_stack_);
  }
  active_guard = outer_;
}

namespace {
// weft_thread is the execution whose weft thread runs now, or null.
Execution* weft_thread() noexcept {
  Execution* x = Execution::bound();
  return active_guard && x && x->on_fiber() ? x : nullptr;
}

std::string current_exception_text(bool& is_unwind) {
  is_unwind = false;
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (!type) return "";
  int status = 0;
  char* name = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
  std::string text = "an exception of type " + std::string(status == 0 && name ? name : type->name());
  std::free(name);
  try {
    throw;
  } catch (const sched::Unwind&) {
    is_unwind = true;
  } catch (const std::exception& e) {
    text += " (" + std::string(e.what()) + ")";
  } catch (...) {
  }
  return text;
}
}  // namespace

void CrashGuard::on_terminate() {
  if (Execution* x = weft_thread()) {
    {
      // weft's own work: the report's strings may run instrumented copies
      // of inline library code, whose hooks must not take it for the
      // program's (drop_current ends the scope).
      const Execution::Uncontrolled weft_itself;
      bool is_unwind = false;
      const std::string exception = current_exception_text(is_unwind);
      const std::string who = "T" + std::to_string(x->current());
      if (is_unwind) {
        // weft's Unwind reached a noexcept function: the failure that
        // ends the execution is recorded; the thread cannot unwind further.
      } else if (!exception.empty()) {
        x->fail_later(sched::Verdict::UncaughtException,
                      who + ": std::terminate was called with " + exception +
                          " in flight: it left a noexcept function, or a destructor threw during unwinding");
      } else {
        x->fail_later(sched::Verdict::Crash, who + " called std::terminate");
      }
    }
    x->drop_current();
  }
  CrashGuard* guard = active_guard;
  if (guard && guard->previous_terminate_) guard->previous_terminate_();
  std::abort();
}

// Not instrumented by AddressSanitizer: it would unpoison the stack before
// drop_current (which never returns) by asking for the bounds of the OS
// thread's stack, and here it runs on the alternate signal stack, on
// behalf of a weft thread that has no OS thread of its own.
__attribute__((no_sanitize("address"))) void CrashGuard::on_signal(int signal, siginfo_t* info, void*) {
  CrashGuard* guard = active_guard;
  static volatile std::sig_atomic_t reporting = 0;
  Execution* x = Execution::bound();
  if (guard && x && !reporting) {
    const Execution::Uncontrolled weft_itself;  // as in on_terminate
    // From here on weft allocates nothing from the C library's heap where
    // the executable says it must not (a program test's driver).
    if (&crash_report_begins != nullptr) crash_report_begins();
    std::string what = thread_name(x->current()) + " received " + signal_name(signal);
    const sched::Stack* stack = x->current_stack();
    if ((signal == SIGSEGV || signal == SIGBUS) && stack && info && stack->in_guard(info->si_addr))
      what = "stack overflow in " + thread_name(x->current()) + ": its " + std::to_string(stack->usable() / 1024) +
             " KiB stack ran out (raise it with weft::Options::stack_size)";
    if (x->on_fiber()) {
      // On a weft thread: the thread ends here and the execution reports
      // the crash; the process lives on. The signal stays blocked while a
      // handler runs, and this one never returns.
      x->crash(std::move(what));
      sigset_t unblock;
      sigemptyset(&unblock);
      sigaddset(&unblock, signal);
      ::pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);
      x->drop_current();
    }
    if (!x->failure()) {
      reporting = 1;
      x->crash(what);
      const Failure f = build_failure(*x, x->index(), guard->trace_tail_);
      write_all("\n" + f.to_string() +
                "The process dies now. To see this crash again, step for step: run the same test with " +
                replay_variable(f.token) + " (WEFT_TEST), or weft::replay(\"" + f.token + "\", body).\n");
    }
  }
  // Hand the signal to whoever handled it before (the default action, or a
  // sanitizer): a fault re-executes and reaches it, an abort is re-raised.
  for (int i = 0; i < 5; ++i)
    if (guard && kSignals[i] == signal) ::sigaction(signal, &guard->previous_[i], nullptr);
  if (!guard) ::signal(signal, SIG_DFL);
  if (signal == SIGABRT || !info || info->si_code <= 0) ::raise(signal);
}

}  // namespace weft::detail
