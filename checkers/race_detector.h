#pragma once
// RaceDetector: happens-before data-race detection for weft::var, told of
// each operation by the primitive that performs it. FastTrack (Flanagan and
// Freund, PLDI 2009): every thread has a vector clock; every var keeps, in
// its own per-execution state (VarShadow), the epoch (thread, clock) of its
// last write and of its last read, and only keeps a read per thread while
// reads are concurrent with each other. A read or a write by a thread that
// already made one since its last release costs one comparison; otherwise
// one or two; only a write after concurrent reads looks at them all.
//
// Edges: spawn (parent -> child), a thread's end -> its join, release ->
// acquire on the clock a synchronization object keeps in its own state
// (unlock -> lock of the same mutex, unlock_shared -> lock, semaphore
// release -> acquire, latch count_down -> wait), barrier arrivals -> the
// waits of the same phase, the end of an atomic section -> the begin of the
// next (SV-COMP), atomics by memory order (a release store or RMW -> an
// acquire load or RMW that reads it; relaxed creates nothing), and a send
// (or close) -> the receive of that message (or the observation of that
// close). Condition variables and notifies add nothing by themselves: the
// mutex does. docs/checkers.md says more.
//
// Lock sets appear in a race report only. An execution that records its
// events (a replay, or the re-run that rebuilds a failing execution's
// trace) keeps each access's lock set; an exploring one does not, and its
// report (which the re-run replaces) names none.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "checkers/held_locks.h"
#include "checkers/vector_clock.h"
#include "scheduler/execution.h"

namespace weft::checkers {

// Access is one var access; clock 0 means "none" (clocks start at 1).
struct Access {
  sched::ThreadId thread = sched::kNoThread;
  Clock clock = 0;
  std::uint64_t step = 0;
  sched::Location where;
  std::uint32_t locks = 0;  // the lock set the thread held (a RaceDetector lock-set id; recording only)
  bool freed = false;       // a write that freed the memory (RaceDetector::free)
};

// VarShadow is what the race detector keeps of one var, in the var's own
// per-execution state: the last write and the last read while reads are
// ordered, or every thread's last read once two were concurrent.
struct VarShadow {
  Access write;
  Access read;
  std::unique_ptr<std::vector<Access>> reads;  // by thread, while reads are concurrent
};

// AtomicAccess is what an atomic operation does with its value.
enum class AtomicAccess : std::uint8_t {
  Load,   // a load, or a failed compare-exchange
  Store,  // a plain store: heads a new release sequence
  Rmw,    // a read-modify-write: continues the release sequence it reads
};

class RaceDetector {
 public:
  // begin starts an execution. One that records its events keeps each
  // access's lock set for the report.
  void begin();

  void spawned(sched::ThreadId parent, sched::ThreadId child);
  void joined(sched::ThreadId joiner, sched::ThreadId target);

  // acquire makes what was released into `from` happen before what `t`
  // does next; release makes what `t` did so far happen before whoever
  // acquires `into` later.
  void acquire(sched::ThreadId t, const VectorClock& from) { thread(t).clock.join(from); }
  void release(sched::ThreadId t, VectorClock& into) {
    ThreadState& s = thread(t);
    s.clock.release_into(into);
    s.clock.tick();  // what the thread does next is not part of this release
  }

  // atomic adds the edges of an atomic operation with `order` on an atomic
  // whose release-sequence clock is `clock`, with the fences' rules: a
  // relaxed store or read-modify-write after a release fence releases what
  // the thread did before that fence, and what a relaxed load or
  // read-modify-write read is acquired by the thread's next acquire fence.
  void atomic(sched::ThreadId t, VectorClock& clock, AtomicAccess access, std::memory_order order);
  // fence is std::atomic_thread_fence(order) on thread `t` (C++20
  // [atomics.fences]): a release fence marks what the thread did so far for
  // its later relaxed stores to carry; an acquire fence acquires what its
  // earlier relaxed loads read; acq_rel and seq_cst fences do both.
  void fence(sched::ThreadId t, std::memory_order order);

  // repeats_read and repeats_write: `t` made the same kind of access to the
  // var since its last release (FastTrack's same-epoch case), so there is
  // nothing new to check or remember.
  bool repeats_read(sched::ThreadId t, const VarShadow& v) const noexcept {
    const Clock now = threads_[t].clock.own();
    if (!v.reads) return v.read.clock == now && v.read.thread == t;
    return t < v.reads->size() && (*v.reads)[t].clock == now;
  }
  bool repeats_write(sched::ThreadId t, const VarShadow& v) const noexcept {
    return v.write.clock == threads_[t].clock.own() && v.write.thread == t;
  }
  // read and write check an access to a var against the accesses before
  // it; the first unordered pair fails the execution with a DataRace.
  void read(sched::Execution& x, sched::ThreadId t, VarShadow& v, sched::ObjectRef var, sched::Location where,
            const HeldLocks& held);
  void write(sched::Execution& x, sched::ThreadId t, VarShadow& v, sched::ObjectRef var, sched::Location where,
             const HeldLocks& held);
  // free is a free of memory holding the var by `t`: a write that any later
  // access, ordered or not, uses after the free, and that an earlier access
  // not ordered before it races with (a use after free in another order).
  // Either is a UseAfterFree.
  void free(sched::Execution& x, sched::ThreadId t, VarShadow& v, sched::ObjectRef var, sched::Location where,
            const HeldLocks& held);

  // Message passing (pipes, queues, futures): a send, or a close, releases
  // into its message's clock (numbered per channel); the receive of that
  // message, or an operation that observed that close, acquires it.
  // Number 0 (an end closed by the death of every process using it) orders
  // nothing.
  void message_release(sched::ThreadId t, sched::ObjectRef channel, std::uint64_t number);
  void message_acquire(sched::ThreadId t, sched::ObjectRef channel, std::uint64_t number);

  // Barriers: a thread's n-th arrival is taken to be in phase n. An arrival
  // acquires the phase's earlier arrivals (they happen before the
  // completion step, which runs on the last one); a wait after it acquires
  // phases 0..n and the last thread that arrived in phase n.
  void barrier_arrive(sched::ThreadId t, sched::ObjectRef barrier);
  void barrier_wait(sched::ThreadId t, sched::ObjectRef barrier);

  // Atomic sections (SV-COMP) exclude each other like one lock that every
  // section takes.
  void section_begin(sched::ThreadId t) { acquire(t, sections_); }
  void section_end(sched::ThreadId t) { release(t, sections_); }

 private:
  struct ThreadState {
    ThreadClock clock;
    VectorClock fenced;    // the clock at its last release fence (empty: none)
    VectorClock observed;  // what its relaxed loads read since, for its next acquire fence
  };
  struct BarrierState {
    std::uint64_t run = 0;
    std::vector<VectorClock> phases;       // [0, used) are this execution's
    std::vector<sched::ThreadId> last;     // last arriver of each phase
    std::size_t used = 0;
    std::vector<std::uint32_t> arrivals;   // by thread
    VectorClock prefix;                    // join of phases [0, prefix_phases)
    std::size_t prefix_phases = 0;
  };
  // MessageClocks: what each message (or close) of one channel released,
  // by message number; an entry stamped with another run is stale.
  struct MessageClocks {
    std::vector<VectorClock> clocks;
    std::vector<std::uint64_t> runs;
  };
  // LockSet is one set of held lock keys (sorted, each lock once).
  using LockSet = std::vector<std::uint64_t>;

  // thread is a started thread's state (thread 0 starts at begin, the
  // others at their spawn).
  ThreadState& thread(sched::ThreadId t) noexcept { return threads_[t]; }
  void start_thread(sched::ThreadId t);
  BarrierState& barrier(sched::ObjectRef object);
  VectorClock& message(sched::ObjectRef channel, std::uint64_t number);
  Access access(sched::Execution& x, sched::ThreadId t, Clock now, sched::Location where, const HeldLocks& held);
  std::uint32_t lockset(sched::ThreadId t, const HeldLocks& held);
  void report(sched::Execution& x, sched::ObjectRef var, const Access& now, bool now_writes, const Access& before,
              bool before_wrote);
  void report_use_after_free(sched::Execution& x, sched::ObjectRef var, const Access& use, bool use_writes,
                             const Access& free);
  void report_free_race(sched::Execution& x, sched::ObjectRef var, const Access& free, const Access& before,
                        bool before_wrote);

  std::uint64_t run_ = 0;  // counts begin() calls; states stamped otherwise are stale
  bool reported_ = false;
  std::vector<ThreadState> threads_;
  std::vector<BarrierState> barriers_;      // by barrier index
  std::vector<MessageClocks> channels_[sched::kObjectKinds];  // by object kind, then index
  VectorClock sections_;
  // Lock sets seen so far (0 is the empty set); kept across executions,
  // since a test's lock names are the same in each.
  std::vector<LockSet> locksets_seen_;
  std::map<LockSet, std::uint32_t> lockset_ids_;
};

}  // namespace weft::checkers
