#pragma once
// Vocabulary of the engine: thread and object identities, virtual time,
// source locations and the verdicts an execution can end with.

#include <cstdint>
#include <limits>

namespace weft::sched {

// ProcessId numbers simulated processes in creation order; 0 is the test
// body's own process, which every thread belongs to unless a weft::process
// started it or one of its threads.
using ProcessId = std::uint32_t;

// ThreadId numbers weft threads in creation order; 0 is the test body.
using ThreadId = std::uint32_t;
inline constexpr ThreadId kNoThread = std::numeric_limits<ThreadId>::max();

// Time is virtual nanoseconds since the execution started.
using Time = std::int64_t;
inline constexpr Time kNever = std::numeric_limits<Time>::max();

// Location is a call site; `file` is a string literal or empty.
struct Location {
  const char* file = "";
  unsigned line = 0;
};

// ObjectKind says what a traced object is; with its per-kind index it names
// the object in reports ("mutex#2") independently of addresses.
enum class ObjectKind : std::uint8_t {
  None, Thread, Mutex, SharedMutex, Condvar, Semaphore, Latch, Barrier, Atomic, Var,
  Pipe, Queue, Process, Future,
  // Descriptors of unmodified code (weft::interpose): an OS pipe, a
  // socketpair, an eventfd and an epoll instance.
  FdPipe, Socketpair, Eventfd, Epoll,
};
// kObjectKinds bounds the ObjectKind values: per-kind tables have this many rows.
inline constexpr unsigned kObjectKinds = 32;

struct ObjectRef {
  ObjectKind kind = ObjectKind::None;
  std::uint32_t index = 0;  // 1-based within its kind and execution; 0: none
};

// Verdict is how an execution failed. Its values match weft::FailureKind
// one for one (the harness checks that at compile time).
enum class Verdict : std::uint8_t {
  AssertionFailed, UncaughtException, Crash, Deadlock, Hang, Misuse, ReplayError, DataRace, LockOrderInversion,
  UseAfterFree, DoubleFree,
};
inline constexpr std::uint8_t kVerdictCount = 11;

}  // namespace weft::sched
