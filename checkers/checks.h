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
  // lock_op: `t` operates on `lock` at `where` (every lock, try and unlock).
  void lock_op(sched::ThreadId t, sched::ObjectRef lock, sched::Location where) {
    if (lock_order_) lock_order_->lock_op(t, lock, where);
  }
  // locked: `t` took `lock` (blocking: by a lock that waits).
  void locked(sched::ThreadId t, sched::ObjectRef lock, bool shared, bool blocking, sched::Location where) {
    const auto before = held_.of(t);
    const std::size_t n = before.size();
    if (!held_.take(t, lock, shared, where) || !lock_order_) return;
    lock_order_->acquired(t, lock, shared, blocking, where, held_.of(t).first(n));
  }
  void unlocked(sched::ThreadId t, sched::ObjectRef lock, bool shared) { held_.drop(t, lock, shared); }

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
  void read(sched::Execution& x, sched::ThreadId t, VarShadow& v, sched::ObjectRef var, sched::Location where) {
    if (races_) races_->read(x, t, v, var, where, held_);
  }
  void write(sched::Execution& x, sched::ThreadId t, VarShadow& v, sched::ObjectRef var, sched::Location where) {
    if (races_) races_->write(x, t, v, var, where, held_);
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
