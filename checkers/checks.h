#pragma once
// Checks: the checkers of one exploration, as the primitives call them. Each
// primitive tells the checkers what its operation did, in their own terms
// (a lock taken, a clock released, a var read), as the operation takes
// effect; nothing is decoded from events, so an exploring execution needs
// no event log at all. Always on: the held-lock record and the
// end-of-execution leak check. On by option: the race detector and the
// lock-order graph.
//
// The leak check: at the end of an execution that otherwise ended cleanly,
// a lock still held (its holder ended without unlocking it) or a thread
// that was started but never joined or detached is a Misuse failure, since
// in a real program the first blocks the next locker forever and the
// second is std::terminate. Blocked waiters need no check here: a
// semaphore or latch that can never open leaves its waiters blocked, and
// that is already a Deadlock.

#include <cstdint>
#include <vector>

#include "checkers/held_locks.h"
#include "checkers/lock_order.h"
#include "checkers/race_detector.h"
#include "scheduler/execution.h"
#include "scheduler/observer.h"

namespace weft::checkers {

// LockChecks is what the checkers keep in each lock's own per-execution
// state: the happens-before clocks its releases leave for its acquisitions,
// and whether the lock-order graph named it yet.
struct LockChecks {
  VectorClock clock;         // what unlocks released (every acquisition acquires it)
  VectorClock shared_clock;  // shared_mutex: what unlock_shared released (a lock acquires it)
  bool named = false;        // the lock-order graph has seen its first operation
};

// Checks is also the observer that begins and ends each execution's checks;
// it wants no events.
class Checks final : public sched::Observer {
 public:
  // Checks with the race detector and the lock-order graph it is given
  // (either may be null: off); both must outlive it.
  Checks(RaceDetector* races, LockOrderGraph* lock_order) noexcept : races_(races), lock_order_(lock_order) {}

  // begin and end bracket each execution.
  void begin(sched::Execution& x) override;
  bool wants_events() const override { return false; }
  void on_event(sched::Execution&, const sched::Event&) override {}
  void end(sched::Execution& x) override;

  RaceDetector* races() const noexcept { return races_; }
  const HeldLocks& held() const noexcept { return held_; }

  // --- Threads ---
  // spawned: `parent` started `child` at `where` (a process's first thread
  // is settled by the process's own join, not the thread's).
  void spawned(sched::ThreadId parent, sched::ThreadId child, sched::Location where, bool of_process) {
    if (!of_process) {
      if (child >= spawned_.size()) spawned_.resize(child + 1);
      spawned_[child] = Spawned{where, true, false};
    }
    if (races_) races_->spawned(parent, child);
  }
  void joined(sched::ThreadId joiner, sched::ThreadId target) {
    settle(target);
    if (races_) races_->joined(joiner, target);
  }
  void detached(sched::ThreadId target) { settle(target); }

  // --- Locks ---
  // lock_failed: `t`'s try on `lock` did not take it (it still names the
  // lock and counts as an operation on locks, for the lock-order graph).
  void lock_failed(sched::ThreadId t, sched::ObjectRef lock, LockChecks& l, sched::Location where) {
    if (lock_order_) lock_order_->lock_op(t, lock, l.named, where);
  }
  // lock_taken: `t` took `lock` (shared or not; blocking: by a lock that
  // waits, not a try or a timed one) at `where`. An exclusive acquisition
  // follows every release; a shared one only the exclusive ones.
  void lock_taken(sched::ThreadId t, sched::ObjectRef lock, LockChecks& l, bool shared, bool blocking,
                  sched::Location where) {
    if (races_) {
      races_->acquire(t, l.clock);
      if (!shared && l.shared_clock.size() != 0) races_->acquire(t, l.shared_clock);
    }
    if (!lock_order_) {
      held_.take(t, lock, shared, where);
      return;
    }
    lock_order_->lock_op(t, lock, l.named, where);
    const std::size_t before = held_.of(t).size();
    if (held_.take(t, lock, shared, where) && blocking && before > 0)
      lock_order_->acquired(t, lock, shared, where, held_.of(t).first(before));
  }
  // lock_released: `t` released `lock` once (shared: an unlock_shared).
  void lock_released(sched::ThreadId t, sched::ObjectRef lock, LockChecks& l, bool shared, sched::Location where) {
    if (races_) races_->release(t, shared ? l.shared_clock : l.clock);
    if (lock_order_) lock_order_->lock_op(t, lock, l.named, where);
    held_.drop(t, lock, shared);
  }

  // --- Happens-before (no-ops without the race detector) ---
  void acquire(sched::ThreadId t, const VectorClock& from) {
    if (races_) races_->acquire(t, from);
  }
  void release(sched::ThreadId t, VectorClock& into) {
    if (races_) races_->release(t, into);
  }
  void atomic(sched::ThreadId t, VectorClock& clock, AtomicAccess access, std::memory_order order) {
    if (races_) races_->atomic(t, clock, access, order);
  }
  void fence(sched::ThreadId t, std::memory_order order) {
    if (races_) races_->fence(t, order);
  }
  void read(sched::Execution& x, sched::ThreadId t, VarShadow& v, sched::ObjectRef var, sched::Location where) {
    if (races_ && !races_->repeats_read(t, v)) races_->read(x, t, v, var, where, held_);
  }
  void write(sched::Execution& x, sched::ThreadId t, VarShadow& v, sched::ObjectRef var, sched::Location where) {
    if (races_ && !races_->repeats_write(t, v)) races_->write(x, t, v, var, where, held_);
  }
  void free(sched::Execution& x, sched::ThreadId t, VarShadow& v, sched::ObjectRef var, sched::Location where) {
    if (races_) races_->free(x, t, v, var, where, held_);
  }
  void message_release(sched::ThreadId t, sched::ObjectRef channel, std::uint64_t number) {
    if (races_) races_->message_release(t, channel, number);
  }
  void message_acquire(sched::ThreadId t, sched::ObjectRef channel, std::uint64_t number) {
    if (races_) races_->message_acquire(t, channel, number);
  }
  void barrier_arrive(sched::ThreadId t, sched::ObjectRef barrier) {
    if (races_) races_->barrier_arrive(t, barrier);
  }
  void barrier_wait(sched::ThreadId t, sched::ObjectRef barrier) {
    if (races_) races_->barrier_wait(t, barrier);
  }
  void section_begin(sched::ThreadId t) {
    if (races_) races_->section_begin(t);
  }
  void section_end(sched::ThreadId t) {
    if (races_) races_->section_end(t);
  }

 private:
  struct Spawned {
    sched::Location where;
    bool started = false;
    bool settled = false;  // joined or detached
  };
  void settle(sched::ThreadId t) {
    if (t < spawned_.size()) spawned_[t].settled = true;
  }

  RaceDetector* races_;
  LockOrderGraph* lock_order_;
  HeldLocks held_;
  std::vector<Spawned> spawned_;  // by thread
};

// of returns the checks an execution runs with, or null (an execution run
// without weft's harness).
inline Checks* of(sched::Execution& x) noexcept { return static_cast<Checks*>(x.client()); }

}  // namespace weft::checkers
