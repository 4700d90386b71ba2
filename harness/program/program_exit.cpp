// How a program ends while a weft execution runs. exit(), _exit(),
// _Exit(), quick_exit(), abort() and a failing assert() are weft's for every
// executable (harness/src/process_exit.cpp); a driver is linked with
// -rdynamic, so the program's shared object calls them too. In a program's
// execution (abandon_unfinished) they end the execution as the process
// would end; here a return from main does the same, and the program's
// callers are named by function and line.
//
// None of them unwinds anything: exit() runs no destructor of any thread's
// frames in C or C++ either, and C frames could not be unwound. The calling
// thread halts and the execution drops every unfinished thread
// (Execution::abandon_unfinished). Handlers registered with atexit() are
// not run per execution (docs/c-programs.md).

#include "program_exit.h"

#include "process_exit.h"
#include "symbols.h"

namespace weft::program {

namespace {

void locate_caller(const void* return_address, std::string& function, sched::Location& where) {
  function = verifier::caller_name(return_address);
  where = verifier::caller_location(return_address);
}

// Program tests name the caller of exit and abort by its debug information.
[[maybe_unused]] const bool registered = (detail::locate_callers_with(&locate_caller), true);

}  // namespace

void set_success_status(int status) noexcept { detail::set_program_success_status(status); }

void end_program(sched::Execution& x, int status, const char* call, const void* return_address) {
  detail::end_as_exit(x, status, call, return_address);
}

}  // namespace weft::program
