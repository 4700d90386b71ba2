#pragma once
// State: what weft keeps, in the running execution, about the memory and
// the atomics that instrumented code touched, and about each weft thread's
// instrumented frames. The instrumentation's hooks carry no context, so
// there is one State per process, begun afresh whenever a hook runs in an
// execution it has not seen (Execution::generation). One exploration with
// instrumented code at a time per process, as in ThreadSanitizer mode.

#include <cstdint>
#include <deque>
#include <vector>

#include "address_table.h"
#include "instrument_hooks.h"
#include "checkers/vector_clock.h"
#include "scheduler/execution.h"
#include "scheduler/tsan.h"
#include "shadow_memory.h"

namespace weft::instrument {

// AtomicShadow is one atomic object (by address) in the running execution.
struct AtomicShadow {
  sched::ObjectRef ref;          // its name in traces: atomic#N, first use first
  checkers::VectorClock clock;   // its release sequence, for the race detector
  // seen[t] is 1 + the value thread t last read here (0: none): a thread
  // that reads the same value again is spinning, and yields.
  std::vector<std::uint64_t> seen;
};

// ThreadState is one weft thread's view of its instrumented frames.
struct ThreadState {
  // The stack pointers of the instrumented functions it is in, outermost
  // first (see __tsan_func_entry): memcpy and its kind count as accesses
  // only under one of them.
  std::vector<std::uintptr_t> frames;
  std::uint32_t unscheduled = 0;  // operations it made since its execution began to end
  // stack_fresh: what the race detector knew of the thread's stack, which
  // the execution may have taken back from a thread that ended (its stacks
  // are pooled), was forgotten at the thread's first instrumented frame.
  bool stack_fresh = false;
};

// program_thread is the execution whose weft thread runs the program's
// code now, or null: outside executions, on the scheduler's stack, and in
// weft's own work (Execution::Uncontrolled, tsan::Unseen scopes: weft's
// code may run instrumented copies of inline functions, since the linker
// keeps one copy of each).
inline sched::Execution* program_thread() noexcept {
  sched::Execution* x = sched::Execution::active();
  return x && sched::tsan::unseen_depth == 0 ? x : nullptr;
}

// kUnscheduled is how many operations a thread may make after its
// execution began to end before it is dropped (a spin that waits for a
// thread that will not run again).
inline constexpr std::uint32_t kUnscheduled = 100000;

// ending says whether the execution is ending, when instrumented code runs
// on without scheduling points or checks: the hooks are called from code
// the compilers take not to throw (std::atomic's members are noexcept), so
// no Unwind may leave them. The thread goes on to its end, to its next weft
// operation (which unwinds it), or to its kUnscheduled-th operation, where
// it is dropped (Execution::drop_current).
bool ending(sched::Execution& x);

class State {
 public:
  // of is the state of execution `x`, begun afresh if it belongs to another.
  static State& of(sched::Execution& x) {
    State& s = instance();
    if (s.generation_ != x.generation()) [[unlikely]] s.begin(x);
    return s;
  }
  // current is the state of the execution running on this OS thread, if a
  // hook has seen it; null otherwise (for the allocator's hooks).
  static State* current() noexcept;

  ShadowMemory memory;

  // name is the object that names plain memory at `address` in traces
  // (var#N, by the address an access starts at, first use first).
  sched::ObjectRef name(sched::Execution& x, const volatile void* address);
  // atomic is the atomic object at `address`, named on first use.
  AtomicShadow& atomic(sched::Execution& x, const volatile void* address);
  // quarantined holds the blocks the program freed in this execution: they
  // go back to the allocator only when the next execution begins, so no
  // block is reused while an access to it can still race with its free.
  Quarantine quarantined;

  ThreadState& thread(sched::ThreadId t) {
    if (t >= threads_.size()) threads_.resize(t + 1);
    return threads_[t];
  }

 private:
  static State& instance() noexcept;
  void begin(sched::Execution& x);

  std::uint64_t generation_ = 0;
  AddressTable<sched::ObjectRef> names_;
  AddressTable<std::uint32_t> atomic_index_;  // 1 + index into atomics_
  std::deque<AtomicShadow> atomics_;  // [0, used_atomics_) are this execution's; they never move
  std::size_t used_atomics_ = 0;
  std::vector<ThreadState> threads_;
};

}  // namespace weft::instrument
