// exit, _exit, _Exit, quick_exit, abort and __assert_fail for executables
// that link weft: see process_exit.h. These definitions in the executable
// take the place of the C library's for every caller that reaches them
// through the dynamic linker (the executable's own code, libstdc++, a
// program test's shared object); the C library's internal calls (its own
// aborts on heap corruption) still raise signals, which CrashGuard handles.

#include "process_exit.h"

#include <dlfcn.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "scheduler/tsan.h"

namespace weft::detail {

namespace {

using sched::Execution;
using sched::Verdict;

constinit std::atomic<CallerLocator> caller_locator{nullptr};
constinit std::atomic<AbortReading> abort_reading{nullptr};
constinit std::atomic<int> program_success_status{0};

// The C library's functions, looked up before main: a lookup at the time of
// an abort could find the heap or the loader's lock in the state that made
// the program abort.
using ExitFunction = void (*)(int);
struct RealFunctions {
  ExitFunction exit = nullptr;
  ExitFunction underscore_exit = nullptr;
  ExitFunction underscore_big_exit = nullptr;
  ExitFunction quick_exit = nullptr;
  void (*abort)() = nullptr;
  void (*assert_fail)(const char*, const char*, unsigned, const char*) = nullptr;
};
RealFunctions real;

template <class F>
F next_definition(const char* name) noexcept {
  return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

__attribute__((constructor)) void find_real_functions() {
  real.exit = next_definition<ExitFunction>("exit");
  real.underscore_exit = next_definition<ExitFunction>("_exit");
  real.underscore_big_exit = next_definition<ExitFunction>("_Exit");
  real.quick_exit = next_definition<ExitFunction>("quick_exit");
  real.abort = next_definition<void (*)()>("abort");
  real.assert_fail = next_definition<decltype(real.assert_fail)>("__assert_fail");
}

[[noreturn]] void end_process_now(int status) noexcept {
  ::syscall(SYS_exit_group, status);
  __builtin_unreachable();
}

// controlling_thread is the execution whose weft thread makes a call now,
// even inside an Uncontrolled scope (weft's own work on that thread ends
// the execution too), or null.
Execution* controlling_thread() noexcept {
  Execution* x = Execution::bound();
  return x && x->on_fiber() ? x : nullptr;
}

struct Caller {
  std::string from;  // " from worker", or empty
  sched::Location where;
};

Caller locate(const void* return_address) {
  Caller c;
  if (const CallerLocator locator = caller_locator.load(std::memory_order_acquire); locator && return_address) {
    std::string function;
    locator(return_address, function, c.where);
    if (!function.empty()) c.from = " from " + function;
  }
  return c;
}

std::string thread_name(const Execution& x) { return "T" + std::to_string(x.current()); }

// finish ends the calling thread after a failure or a program's end: a
// program's execution drops every unfinished thread, as an ending process
// does; a test body's other threads unwind as after any failure, while the
// calling thread, which cannot return or throw from here, is dropped.
[[noreturn]] void finish(Execution& x) {
  if (x.abandons_unfinished()) x.halt();
  x.drop_current();
}

[[noreturn]] void exit_call(int status, const char* name, ExitFunction real_function, const void* caller) {
  if (Execution* x = controlling_thread()) end_as_exit(*x, status, name, caller);
  if (real_function) real_function(status);
  end_process_now(status);
}

// abort_is_assumption: is this abort() of a program a failed assumption?
bool abort_is_assumption(Execution& x, const void* return_address) {
  const AbortReading reading = abort_reading.load(std::memory_order_acquire);
  return reading && x.abandons_unfinished() && reading(x, return_address);
}

}  // namespace

void locate_callers_with(CallerLocator locator) noexcept { caller_locator.store(locator, std::memory_order_release); }

void read_aborts_with(AbortReading reading) noexcept { abort_reading.store(reading, std::memory_order_release); }

void set_program_success_status(int status) noexcept {
  program_success_status.store(status, std::memory_order_relaxed);
}

void end_as_exit(Execution& x, int status, const char* call, const void* return_address) {
  // weft's own work, though called from the program's frames: the memory
  // calls its strings make are no accesses of the program's.
  const sched::tsan::Unseen weft_itself;
  if (x.abandons_unfinished() && x.others_running()) {
    // The process ends at a scheduling point of its own: until it does, the
    // other threads may still run (one created just before, say), and an
    // exhaustive search orders the end against everything they do.
    sched::Location where;
    where = locate(return_address).where;  // its strings are gone before the step, which may halt
    x.step(sched::OpKind::Exit, {}, where);
    x.record(sched::OpKind::Exit, {}, where);
  }
  {
    // In a scope of its own: nothing may be left to destroy on a stack that
    // is about to be dropped.
    const Caller caller = locate(return_address);
    const std::string what = call ? thread_name(x) + " called " + call + "(" + std::to_string(status) + ")" + caller.from
                                  : "main returned " + std::to_string(status);
    if (!x.abandons_unfinished()) {
      x.fail_later(Verdict::AssertionFailed,
                   what + ": a test body that ends the process would end the test run here, skipping the rest of "
                          "this test and every later one",
                   caller.where);
    } else if (const int success = program_success_status.load(std::memory_order_relaxed); status != success) {
      x.fail_later(Verdict::AssertionFailed,
                   what + (success == 0 ? ": a nonzero exit status is a failure"
                                        : ": the program's success status is " + std::to_string(success) +
                                              " (EXIT_STATUS), any other is a failure"),
                   caller.where);
    }
  }
  finish(x);
}

}  // namespace weft::detail

using weft::detail::real;

extern "C" void exit(int status) noexcept {
  weft::detail::exit_call(status, "exit", real.exit, __builtin_return_address(0));
}
// <unistd.h> declares _exit without noexcept, unlike its siblings in <stdlib.h>.
extern "C" void _exit(int status) {
  weft::detail::exit_call(status, "_exit", real.underscore_exit, __builtin_return_address(0));
}
extern "C" void _Exit(int status) noexcept {
  weft::detail::exit_call(status, "_Exit", real.underscore_big_exit, __builtin_return_address(0));
}
extern "C" void quick_exit(int status) noexcept {
  weft::detail::exit_call(status, "quick_exit", real.quick_exit, __builtin_return_address(0));
}

extern "C" void abort(void) noexcept {
  if (weft::sched::Execution* x = weft::detail::controlling_thread()) {
    const weft::sched::tsan::Unseen weft_itself;  // as in end_as_exit
    if (weft::detail::abort_is_assumption(*x, __builtin_return_address(0))) {
      x->discard();
      weft::detail::finish(*x);
    }
    {
      const weft::detail::Caller caller = weft::detail::locate(__builtin_return_address(0));
      x->fail_later(weft::sched::Verdict::Crash, weft::detail::thread_name(*x) + " called abort()" + caller.from,
                    caller.where);
    }
    weft::detail::finish(*x);
  }
  if (real.abort) real.abort();
  ::signal(SIGABRT, SIG_DFL);
  ::raise(SIGABRT);
  weft::detail::end_process_now(134);
}

extern "C" void __assert_fail(const char* assertion, const char* file, unsigned int line,
                              const char* function) noexcept {
  if (weft::sched::Execution* x = weft::detail::controlling_thread()) {
    const weft::sched::tsan::Unseen weft_itself;  // as in end_as_exit
    x->fail_later(weft::sched::Verdict::AssertionFailed,
                  std::string("assert(") + assertion + ") failed in " + (function ? function : "?"),
                  {file ? file : "", line});
    weft::detail::finish(*x);
  }
  if (real.assert_fail) real.assert_fail(assertion, file, line, function);
  weft::detail::end_process_now(134);
}
