// How a program ends while a weft execution runs: exit(), _exit(),
// _Exit(), quick_exit(), abort() and a failing assert() (glibc's
// __assert_fail) end the execution, not the process. These definitions in
// the executable take the place of the C library's for the program's
// shared object too (it is linked with -rdynamic); outside an execution
// they forward to the C library's.
//
// None of them unwinds anything: exit() runs no destructor of any thread's
// frames in C or C++ either, and C frames could not be unwound. The calling
// thread halts and the execution drops every unfinished thread
// (Execution::abandon_unfinished). Handlers registered with atexit() are
// not run per execution (docs/c-programs.md).

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "program_exit.h"
#include "scheduler/execution.h"
#include "symbols.h"

namespace weft::program {

namespace {

using sched::Execution;

template <class Function>
Function real(const char* name) noexcept {
  return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

// success_status is the exit status of a program that works: one program
// per driver process, set before its exploration.
int success_status = 0;

std::string thread_name(const Execution& x) { return "T" + std::to_string(x.current()); }

std::string from(const void* return_address) {
  const char* name = verifier::caller_name(return_address);
  return *name ? std::string(" from ") + name : std::string();
}

// end_with halts the calling thread, ending the execution as the process
// would end: with the failure recorded (if any), other threads dropped.
[[noreturn]] void end_with(Execution& x) {
  x.abandon_unfinished();
  x.halt();
}

}  // namespace

void set_success_status(int status) noexcept { success_status = status; }

void end_program(Execution& x, int status, const char* call, const void* return_address) {
  if (status != success_status) {
    // In a scope of its own: nothing may be left to destroy on a stack that
    // is about to be dropped.
    std::string what = call ? thread_name(x) + " called " + call + "(" + std::to_string(status) + ")" +
                                  from(return_address)
                            : "main returned " + std::to_string(status);
    what += success_status == 0 ? ": a nonzero exit status is a failure"
                                : ": the program's success status is " + std::to_string(success_status) +
                                      " (EXIT_STATUS), any other is a failure";
    x.fail_later(sched::Verdict::AssertionFailed, std::move(what), verifier::caller_location(return_address));
  }
  end_with(x);
}

}  // namespace weft::program

using weft::sched::Execution;

namespace {

[[noreturn]] void exit_call(int status, const char* name, const void* caller) {
  if (Execution* x = Execution::active()) weft::program::end_program(*x, status, name, caller);
  weft::program::real<void (*)(int)>(name)(status);
  ::_exit(status);  // not reached: the C library's exits
}

}  // namespace

extern "C" void exit(int status) noexcept { exit_call(status, "exit", __builtin_return_address(0)); }
// <unistd.h> declares _exit without noexcept, unlike its siblings in <stdlib.h>.
extern "C" void _exit(int status) { exit_call(status, "_exit", __builtin_return_address(0)); }
extern "C" void _Exit(int status) noexcept { exit_call(status, "_Exit", __builtin_return_address(0)); }
extern "C" void quick_exit(int status) noexcept { exit_call(status, "quick_exit", __builtin_return_address(0)); }

extern "C" void abort(void) noexcept {
  if (Execution* x = Execution::active()) {
    const void* caller = __builtin_return_address(0);
    x->fail_later(weft::sched::Verdict::Crash,
                  weft::program::thread_name(*x) + " called abort()" + weft::program::from(caller),
                  weft::verifier::caller_location(caller));
    weft::program::end_with(*x);
  }
  weft::program::real<void (*)()>("abort")();
  ::_exit(134);  // not reached
}

extern "C" void __assert_fail(const char* assertion, const char* file, unsigned int line,
                              const char* function) noexcept {
  if (Execution* x = Execution::active()) {
    x->fail_later(weft::sched::Verdict::AssertionFailed,
                  std::string("assert(") + assertion + ") failed in " + (function ? function : "?"),
                  {file ? file : "", line});
    weft::program::end_with(*x);
  }
  weft::program::real<void (*)(const char*, const char*, unsigned, const char*)>("__assert_fail")(assertion, file,
                                                                                                    line, function);
  ::_exit(134);  // not reached
}
