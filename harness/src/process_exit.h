#pragma once
// How the calls that end a process (exit, _exit, _Exit, quick_exit, abort,
// a failing assert()) end an execution instead, when a weft thread makes
// them. weft defines those functions for every executable it is linked
// into; outside an execution they are the C library's.
//
// Two semantics, chosen per execution:
//  - a test body (the default): the process would end in the middle of a
//    test, skipping the rest of it and every later test, so any exit is a
//    failure with a report and a token, whatever its status;
//  - a program (Execution::abandons_unfinished, set by a program test):
//    exit with its success status (0 unless the test says otherwise) is the
//    program ending normally, any other status a failure.
// abort() is a Crash (in a program, or a failed assumption: see
// read_aborts_with) and a failing assert() an AssertionFailed in both.

#include <string>

#include "scheduler/execution.h"

// glibc's assert() calls this; <assert.h> declares it only without NDEBUG.
extern "C" [[noreturn]] void __assert_fail(const char* assertion, const char* file, unsigned int line,
                                           const char* function) noexcept;

namespace weft::detail {

// CallerLocator names the function a return address returns into and its
// source line, where debug information tells (program tests register one;
// without it reports name the thread's last weft operation).
using CallerLocator = void (*)(const void* return_address, std::string& function, sched::Location& where);

// locate_callers_with installs `locator` for the whole process (set once, by
// weft::program, before any execution runs).
void locate_callers_with(CallerLocator locator) noexcept;

// AbortReading says whether an abort() that the running thread of `x`
// called from `return_address` is a failed assumption (the execution is
// discarded, as by __VERIFIER_assume) rather than a Crash.
using AbortReading = bool (*)(sched::Execution& x, const void* return_address);

// read_aborts_with installs `reading` for the whole process (program tests
// do: docs/c-programs.md, "Verification verdicts"); without one, and for
// test bodies, every abort() is a Crash.
void read_aborts_with(AbortReading reading) noexcept;

// set_program_success_status makes `status` the exit status of a program
// that works (0 unless set; a program test's EXIT_STATUS), for the whole
// process: a program driver runs one program.
void set_program_success_status(int status) noexcept;

// end_as_exit ends the execution as exit(`status`) called by `call`
// ("exit", "_exit", ...) from `return_address` would; with `call` null, as a
// return from a program's main. In a program's execution whose other threads
// still run, ending is a scheduling point first (OpKind::Exit): a thread
// created just before may run, or the program end, in either order. Never
// returns.
[[noreturn]] void end_as_exit(sched::Execution& x, int status, const char* call, const void* return_address);

}  // namespace weft::detail
