#pragma once
// RaceDetector: happens-before data-race detection for weft::var, as an
// observer of the execution's events. FastTrack (Flanagan and Freund, PLDI
// 2009): every thread has a vector clock; every var keeps the epoch (thread,
// clock) of its last write and of its last read, and only keeps a read per
// thread while reads are concurrent with each other. A read or a write is
// then O(1) in the common case.
//
// Edges come from the events: spawn (parent -> child), a thread's end ->
// its join, unlock -> lock of the same mutex (shared_mutex: unlock -> lock
// and lock_shared; unlock_shared -> lock), semaphore release -> acquire,
// latch count_down -> wait, barrier arrive -> wait of the same phase, the
// end of an atomic section -> the begin of the next (SV-COMP), and
// atomics by memory order (release store or RMW -> acquire load or RMW that
// reads it; relaxed creates nothing). Condition variables and notifies add
// nothing by themselves: the mutex does. Message passing: a send (or close)
// -> the receive of that message (or the observation of that close).
// docs/checkers.md says more.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "checkers/vector_clock.h"
#include "scheduler/execution.h"
#include "scheduler/observer.h"

namespace weft::checkers {

// RaceDetector reports the first pair of conflicting var accesses of an
// execution that no happens-before edge orders, as a DataRace failure at the
// second access. It keeps its storage from one execution to the next.
class RaceDetector final : public sched::Observer {
 public:
  void begin(sched::Execution& execution) override;
  void on_event(sched::Execution& execution, const sched::Event& event) override;

 private:
  // Access is one var access; clock 0 means "none" (clocks start at 1).
  struct Access {
    sched::ThreadId thread = sched::kNoThread;
    Clock clock = 0;
    std::uint64_t step = 0;
    sched::Location where;
    std::uint32_t locks = 0;  // the lock set the thread held (an index into locksets_)
  };
  struct VarState {
    std::uint64_t run = 0;      // the execution this state belongs to
    Access write;               // the last write
    Access read;                // the last read, while reads are ordered (!shared)
    bool shared = false;        // reads are concurrent: `reads` holds them
    std::vector<Access> reads;  // by thread, while shared
  };
  // SyncState is the clock that releases on one object leave for acquires.
  struct SyncState {
    std::uint64_t run = 0;
    VectorClock clock;   // unlock, release, count_down, release store
    VectorClock shared;  // shared_mutex only: unlock_shared, for lock
  };
  // BarrierState keeps the arrivals per phase. A thread's n-th arrival is
  // taken to be in phase n. An arrival acquires the phase's earlier arrivals
  // (they happen before the completion step, which runs on the last one); a
  // wait after it acquires phases 0..n and the last thread that arrived in
  // phase n, whose completion function ran after its arrive event.
  struct BarrierState {
    std::uint64_t run = 0;
    std::vector<VectorClock> phases;       // [0, used) are this execution's
    std::vector<sched::ThreadId> last;     // last arriver of each phase
    std::size_t used = 0;
    std::vector<std::uint32_t> arrivals;   // by thread
    VectorClock prefix;                    // join of phases [0, prefix_phases)
    std::size_t prefix_phases = 0;
  };
  struct ThreadState {
    VectorClock clock;
    std::uint32_t locks = 0;  // the locks it holds, as a locksets_ index
  };
  // LockSet is one set of held locks (sorted keys; a recursive mutex once
  // per lock), with the sets that taking or dropping a lock led to before,
  // so that a lock or unlock is usually a short scan, not a map look-up.
  struct LockSet {
    std::vector<std::uint64_t> locks;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> next;  // (key << 1 | taking, set)
  };

  ThreadState& thread(sched::ThreadId t);
  void start_thread(sched::ThreadId t);
  SyncState& sync(sched::ObjectRef object);
  BarrierState& barrier(sched::ObjectRef object);
  VarState& var(sched::ObjectRef object);

  void acquire(ThreadState& t, const VectorClock& from) { t.clock.join(from); }
  void release(sched::ThreadId id, ThreadState& t, VectorClock& into);
  void hold(ThreadState& t, sched::ObjectRef lock, bool shared, bool taking);
  std::uint32_t intern(const std::vector<std::uint64_t>& locks);

  void on_atomic(const sched::Event& e, ThreadState& t);
  void on_barrier(const sched::Event& e, ThreadState& t);
  // on_message adds the edges of pipes, queues and futures: a send, or a
  // close, releases into its message's clock (Event::value numbers it); the
  // receive of that message, or an operation that observed that close,
  // acquires it. Precise per message, not "every earlier send".
  void on_message(const sched::Event& e, ThreadState& t);
  VectorClock& message(sched::ObjectRef channel, std::uint64_t number);
  void on_read(sched::Execution& x, const sched::Event& e, ThreadState& t);
  void on_write(sched::Execution& x, const sched::Event& e, ThreadState& t);
  void report(sched::Execution& x, const sched::Event& e, const Access& now, bool now_writes, const Access& before,
              bool before_wrote);

  std::uint64_t run_ = 0;  // counts begin() calls; states stamped otherwise are stale
  bool reported_ = false;
  std::vector<ThreadState> threads_;
  std::vector<std::uint64_t> thread_run_;  // the run each threads_ entry was started in
  std::vector<VarState> vars_;              // by var index
  std::vector<SyncState> sync_[16];         // by object kind, then index
  std::vector<BarrierState> barriers_;      // by barrier index
  // MessageClocks: what each message (or close) of one channel released,
  // by message number; an entry stamped with another run is stale.
  struct MessageClocks {
    std::vector<VectorClock> clocks;
    std::vector<std::uint64_t> runs;
  };
  std::vector<MessageClocks> channels_[16];  // by object kind, then index
  // Lock sets seen so far (0 is the empty set); kept across executions,
  // since a test's lock names are the same in each.
  std::vector<LockSet> locksets_;
  std::map<std::vector<std::uint64_t>, std::uint32_t> lockset_ids_;
};

}  // namespace weft::checkers
