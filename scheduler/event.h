#pragma once
// Event: one visible operation as it happened. The execution keeps every
// event of the running execution in order; checkers and the trace read them.
// Events hold no addresses and no wall time, so the same schedule gives the
// same events in any process.

#include <atomic>
#include <cstdint>

#include "scheduler/types.h"

namespace weft::sched {

// OpKind is the verb of an operation; with the object's kind it reads as
// "mutex.lock", "condvar.wait", "atomic.fetch_add".
enum class OpKind : std::uint8_t {
  Spawn, Join, Detach, End, Yield, Sleep,
  Lock, TryLock, Unlock, LockShared, TryLockShared, UnlockShared,
  Wait, Wake, NotifyOne, NotifyAll,
  Acquire, TryAcquire, Release,
  CountDown, TryWait, Arrive, Drop,
  Load, Store, Exchange, CasSuccess, CasFailure, FetchAdd, FetchSub, FetchAnd, FetchOr, FetchXor,
  Read, Write,
  Nondet, AtomicBegin, AtomicEnd,
};

// ValueKind says how to print Event::value.
enum class ValueKind : std::uint8_t { None, Unsigned, Signed, Bool };

// Event flags.
inline constexpr std::uint8_t kFailed = 1;    // a try_ operation did not succeed
inline constexpr std::uint8_t kTimedOut = 2;  // a timed wait ended by its deadline
inline constexpr std::uint8_t kSpurious = 4;  // a wait returned without a notify

// is_lock says whether objects of `kind` are locks: every weft mutex, and
// shared_mutex.
constexpr bool is_lock(ObjectKind kind) noexcept {
  return kind == ObjectKind::Mutex || kind == ObjectKind::SharedMutex;
}

struct Event {
  // failed: a try_ operation that did not take effect.
  bool failed() const noexcept { return (flags & kFailed) != 0; }

  std::uint64_t step = 0;
  ThreadId thread = 0;
  OpKind op = OpKind::Yield;
  std::uint8_t flags = 0;
  ValueKind value_kind = ValueKind::None;
  std::memory_order order = std::memory_order_seq_cst;
  ObjectRef object;
  ThreadId peer = kNoThread;  // the other thread of spawn/join, the one a notify woke
  std::uint64_t value = 0;
  Location where;
};

}  // namespace weft::sched
