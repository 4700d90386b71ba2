#pragma once
// Strategy: the one interface every way of exploring interleavings
// implements. The execution asks it which runnable thread takes the next
// step and, for value choices (which waiter a notify wakes, a spurious
// wake-up), which option to take; it records both in the schedule.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "scheduler/runnable_set.h"
#include "scheduler/types.h"

namespace weft::sched {

class Observer;

// Decision is what a strategy sees at a scheduling point.
struct Decision {
  // runnable: never empty, in no particular order (but the same in every
  // run of a schedule).
  std::span<const ThreadId> runnable;
  ThreadId current = kNoThread;        // thread that reached the point; kNoThread if it ended
  bool yielding = false;               // current asked to let others run first
  std::uint64_t step = 0;              // 1-based index of this decision
  std::uint32_t thread_count = 0;      // threads created so far
  // set, when not null, holds exactly the threads of `runnable`, for O(1)
  // membership tests.
  const RunnableSet* set = nullptr;

  // may_pick says whether a strategy that lets a yielding thread go last may
  // pick runnable thread `t`: not the one that yields while another can run.
  bool may_pick(ThreadId t) const noexcept { return !(yielding && t == current && runnable.size() > 1); }

  // can_run says whether `t` is among `runnable`.
  bool can_run(ThreadId t) const noexcept {
    if (set) return set->contains(t);
    for (ThreadId r : runnable)
      if (r == t) return true;
    return false;
  }
};

// ScheduleMismatch is thrown by a strategy that cannot follow the execution
// (a replay whose token does not fit); its what() says where and why.
struct ScheduleMismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Pruned is thrown by a strategy, from pick_thread or pick_value, to end the
// running execution where it stands because nothing it could still do is
// wanted (an exhaustive search that knows every continuation was explored).
// The execution unwinds as after a failure elsewhere and ends with
// Outcome::Pruned; it is not a failure.
struct Pruned {};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // begin starts execution number `index` (0-based).
  virtual void begin(std::uint64_t index) = 0;
  // pick_thread returns one of decision.runnable.
  virtual ThreadId pick_thread(const Decision& decision) = 0;
  // pick_value returns a value in [0, bound), bound >= 2.
  virtual std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) = 0;
  // pick_rare is pick_value for a choice whose values other than 0 are
  // rare departures (a spurious wake-up, a short read or write): a search
  // bounds how many of them one execution takes.
  virtual std::uint32_t pick_rare(std::uint32_t bound, std::uint64_t step) { return pick_value(bound, step); }
  // on_spawn tells the strategy thread `id` was created.
  virtual void on_spawn(ThreadId id) { (void)id; }
  // end tells the strategy the execution ended after `steps` decisions.
  virtual void end(std::uint64_t steps) { (void)steps; }
  // observer, when not null, is an Observer the caller registers on the
  // execution before the first run: a strategy that learns from what its
  // executions did (which write each read read from) sees their events
  // through it. It must ignore executions the strategy did not begin (a
  // replay of a failing schedule runs under another strategy), and want
  // events only in its own, since wanting them makes an execution record.
  virtual Observer* observer() noexcept { return nullptr; }
};

}  // namespace weft::sched
