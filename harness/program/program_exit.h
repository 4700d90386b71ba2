#pragma once
// The end of a program inside an execution: a return from main.

#include "scheduler/execution.h"

namespace weft::program {

// end_program ends the execution as the program ending with `status`, by
// calling `call` ("exit", ...) from the code `return_address` returns to,
// or, with both null, by returning from main.
// Nonzero is an AssertionFailed ("T1 called exit(3) from worker: ..."),
// zero ends it cleanly (Outcome::Stopped if other threads still ran). The
// calling thread never returns; unfinished threads are dropped, not unwound.
[[noreturn]] void end_program(sched::Execution& x, int status, const char* call, const void* return_address);

}  // namespace weft::program
