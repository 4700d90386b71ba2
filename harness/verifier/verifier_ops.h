#pragma once
// The engine side of the SV-COMP functions, shared by their C entry points
// and the -finstrument-functions hooks.

#include <cstdint>
#include <string>

#include "scheduler/execution.h"

namespace weft::verifier {

// begin_atomic is the scheduling point that opens an atomic section of the
// running thread; the section then keeps it running (Execution::begin_atomic).
void begin_atomic(sched::Execution& x, sched::Location where);
// end_atomic closes the innermost section; outside one it is a Misuse
// unless `quiet` (the exit hook of a function whose entry opened none).
void end_atomic(sched::Execution& x, sched::Location where, bool quiet);
// reached_error fails the execution with AssertionFailed ("`what` was
// called from <function>", `caller` being the return address into it) and
// never returns; outside an execution it prints that and aborts.
[[noreturn]] void reached_error(const char* what, const void* caller);
// set_nondet_domain makes every integer and floating-point
// __VERIFIER_nondet_* value one of `n` small values, each a value choice
// of its own (0, 1, -1, 2, -2, ...; unsigned: 0 to n - 1), so that an
// exhaustive search can enumerate them all; 0 (the default) gives the
// biased values over the whole type (nondet.cpp). For the whole process.
void set_nondet_domain(std::uint32_t n) noexcept;
// nondet_long is __VERIFIER_nondet_long called from `caller` (a return
// address into the program).
long nondet_long(const void* caller);
// outside_execution prints that `what` happened outside a weft execution,
// where it has no meaning, and aborts.
[[noreturn]] void outside_execution(const char* what);

}  // namespace weft::verifier
