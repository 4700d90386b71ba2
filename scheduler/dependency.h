#pragma once
// Which recorded operations read and which write their object, as
// exhaustive search sees them (docs/exhaustive-search.md#what-is-dependent): the
// rules that make two transitions dependent, and the few pairs of dependent
// operations that can never be swapped (a lock after the unlock that let it
// through), so that the search does not try to.

#include <cstdint>

#include "scheduler/event.h"
#include "scheduler/footprint.h"

namespace weft::sched {

// Effect is what one recorded operation does to its object.
enum class Effect : std::uint8_t {
  None,    // nothing shared (spawn, yield, a nondet value: local work)
  Read,    // looks at the object without changing it
  Write,   // changes it (or may change what another operation on it does)
  Global,  // moves the virtual clock or ends a process: conflicts with everything
};

// Op is the part of an Event that exhaustive search keeps per operation.
struct Op {
  OpKind op = OpKind::Yield;
  ObjectKey object = 0;
  std::uint8_t flags = 0;
  ThreadId peer = kNoThread;
};

// op_of is the operation of `e`, its object named by `identity`
// (Execution::identity_of(e.object)).
inline Op op_of(const Event& e, std::uint64_t identity) noexcept {
  return Op{e.op, e.object.kind == ObjectKind::None ? 0 : key_of(e.object.kind, identity), e.flags, e.peer};
}

// effect_of classifies one recorded operation.
Effect effect_of(const Op& op) noexcept;

// add_to adds the operation's effect to a transition's footprint.
void add_to(Footprint& footprint, const Op& op);

// is_lock_acquisition: a mutex or shared_mutex lock that succeeded.
bool is_lock_acquisition(const Op& op) noexcept;
// is_lock_release: an unlock of a mutex or shared_mutex (also the unlock a
// condition-variable wait makes).
bool is_lock_release(const Op& op) noexcept;
// is_acquisition: an operation that takes something exclusive from its
// object (a lock, a semaphore permit, a message), so that whichever of two
// threads does it first changes what the other gets.
bool is_acquisition(const Op& op) noexcept;
// never_before reports dependent operations `later` can never precede
// `earlier` by: a notified wake-up and the notify that picked its thread, a
// join and the end of the thread it joins, a blocking lock and the unlock
// of the mutex it takes (the mutex was held until then). A notify_all
// picks the threads waiting then, which its operation does not name: a
// trace tells whether it picked this one (DporTrace::ended_wait).
bool never_before(const Op& earlier, ThreadId later_thread, const Op& later) noexcept;

}  // namespace weft::sched
