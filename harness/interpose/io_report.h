#pragma once
// How descriptor calls report what the test cannot go on from: a call
// that would block on a descriptor weft does not own, a fork, a SIGPIPE
// that would end the process. Each names the caller's source line where
// debug information tells it.

#include <string>

#include "table.h"

namespace weft::interpose {

// caller_where is the source location of the call that returns to
// `caller` (a return address), or nothing known.
sched::Location caller_where(const void* caller);

// misuse_at reports Misuse naming the calling thread, at the caller's
// line. The caller then calls leave_if_ending(x), in a statement of its
// own: the thread is abandoned there (it cannot go on from a call that
// cannot be made), and a message built in its frame would leak.
void misuse_at(Execution& x, const std::string& what, const void* caller) noexcept;

// sigpipe delivers the SIGPIPE a write to a broken pipe or stream socket
// raises: nothing when the signal is ignored or blocked; the process's
// handler, run on the calling thread, when one is installed; and with the
// default action, which would end the process, a Crash failure that ends
// the execution: it then returns true, and the caller calls
// end_by_signal(x) in a statement of its own (after the message's
// temporaries are gone: the thread's stack is dropped there).
bool sigpipe(Execution& x, const std::string& what, const void* caller) noexcept;

// end_by_signal ends the calling thread where it stands (it does not return).
void end_by_signal(Execution& x) noexcept;

}  // namespace weft::interpose
