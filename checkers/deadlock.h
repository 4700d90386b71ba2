#pragma once
// Deadlock explanation: from the threads' states at the moment no thread
// could run, say who waits for what, and name the cycle in the wait-for
// graph when there is one (a lock-order deadlock), or say that nothing is
// left to wake the waiters (a missed notification, a latch never counted
// down).

#include <string>
#include <vector>

#include "scheduler/execution.h"

namespace weft::checkers {

// explain_deadlock returns the message of a Deadlock failure.
std::string explain_deadlock(const std::vector<sched::ThreadView>& threads);

// describe_wait says what one blocked thread waits for, e.g.
// "mutex.lock on mutex#2, held by T1".
std::string describe_wait(const sched::ThreadView& thread);

}  // namespace weft::checkers
