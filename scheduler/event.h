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
  Complete,  // a barrier's phase completed (after its completion function)
  Send, Recv, Close, Kill, Crash, Exit, Poll,
  Nondet, AtomicBegin, AtomicEnd,
  Fence, SignalFence,  // atomic_thread_fence, atomic_signal_fence
  Control,  // a descriptor's settings changed (fcntl, ioctl, epoll_ctl)
};

// ValueKind says how to print Event::value.
enum class ValueKind : std::uint8_t { None, Unsigned, Signed, Bool };

// Event flags.
inline constexpr std::uint8_t kFailed = 1;    // a try_ operation did not succeed
inline constexpr std::uint8_t kTimedOut = 2;  // a timed wait ended by its deadline
inline constexpr std::uint8_t kSpurious = 4;  // a wait returned without a notify
// Message passing (pipe, queue, future): Event::value of a Send, Recv or
// Close is a message number, unique per channel object within the execution
// (a close takes a number too). A Recv, or a failed Send, that observed a
// close has kClosed and the close's number (0: the end closed because every
// process using it died, which orders nothing).
inline constexpr std::uint8_t kClosed = 8;
inline constexpr std::uint8_t kEndB = 16;     // a pipe operation on end B (else end A)
inline constexpr std::uint8_t kFault = 32;    // an injected fault (Options::process_crashes, ...)
// kTimed: a Wake that ended a wait with a deadline. The waiter could have
// timed out instead, before the notify that woke it: exhaustive search
// must try that order too.
inline constexpr std::uint8_t kTimed = 64;

// is_lock says whether objects of `kind` are locks: every weft mutex, and
// shared_mutex.
constexpr bool is_lock(ObjectKind kind) noexcept {
  return kind == ObjectKind::Mutex || kind == ObjectKind::SharedMutex;
}

// acquires and releases say what an atomic operation with memory order `o`
// takes part in: reading a release (acquire, acq_rel, seq_cst, and consume,
// taken as acquire), or publishing what came before it (release, acq_rel,
// seq_cst).
constexpr bool acquires(std::memory_order o) noexcept {
  return o == std::memory_order_acquire || o == std::memory_order_consume || o == std::memory_order_acq_rel ||
         o == std::memory_order_seq_cst;
}
constexpr bool releases(std::memory_order o) noexcept {
  return o == std::memory_order_release || o == std::memory_order_acq_rel || o == std::memory_order_seq_cst;
}

// is_channel says whether objects of `kind` pass messages: their Send and
// Recv events carry message numbers.
constexpr bool is_channel(ObjectKind kind) noexcept {
  return kind == ObjectKind::Pipe || kind == ObjectKind::Queue || kind == ObjectKind::Future ||
         kind == ObjectKind::FdPipe || kind == ObjectKind::Socketpair || kind == ObjectKind::Eventfd;
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
