#pragma once
// DporTrace: the transitions of the running execution as exhaustive search
// sees them (the thread, the operations it recorded, the value choices it
// made, which threads could run when it did), with a vector clock per
// transition for happens-before, and the races between them: pairs of
// dependent transitions of different threads with nothing ordering them but
// each other, whose order another execution should reverse.
//
// Happens-before is program order, spawn, and dependence (docs/exhaustive-search.md
// #what-is-dependent); a global transition is ordered with everything.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "scheduler/dependency.h"
#include "scheduler/footprint.h"
#include "scheduler/types.h"

namespace weft::sched {

// Transition is one thread's steps from one scheduling point to the next.
struct Transition {
  static constexpr std::uint32_t kNone = UINT32_MAX;

  ThreadId thread = 0;
  std::uint64_t step = 0;              // the step that started it
  std::uint32_t local = 0;             // 1-based: its place among its thread's transitions
  std::int32_t node = -1;              // the search's decision that chose it; -1 when no choice was made
  std::uint32_t previous = kNone;      // its thread's transition before it
  std::uint32_t spawner = kNone;       // for a thread's first: the transition that created the thread
  std::vector<Op> ops;                 // what it recorded, in order
  std::vector<std::uint32_t> values;   // the value choices it made, in order
  Footprint footprint;
  std::vector<std::uint32_t> clock;    // by thread: how many of its transitions happen before this one (inclusive)
  std::vector<ThreadId> enabled;       // the threads that could run at its step, ascending
  bool enabled_known = true;           // false where an atomic section hid the others
};

// Race is a pair of transitions, by index, whose order could be reversed.
struct Race {
  std::uint32_t first = 0;
  std::uint32_t second = 0;
};

class DporTrace {
 public:
  void clear();
  // open starts a transition of `thread` at `step`; `enabled` is who could
  // run then (ascending).
  void open(ThreadId thread, std::uint64_t step, std::int32_t node, const std::vector<ThreadId>& enabled,
            bool enabled_known);
  bool is_open() const noexcept { return open_; }
  Transition& current() noexcept { return transitions_.back(); }
  const Transition& current() const noexcept { return transitions_.back(); }
  // spawned notes that the open transition created thread `child`.
  void spawned(ThreadId child);
  // close computes the open transition's clock and its races, and returns
  // its index.
  std::uint32_t close();

  std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(transitions_.size()); }
  const Transition& operator[](std::uint32_t i) const noexcept { return transitions_[i]; }
  const std::vector<Race>& races() const noexcept { return races_; }
  // fingerprint is a digest of the closed transitions' Mazurkiewicz trace:
  // equal for equivalent executions, which have the same transitions (each
  // known by its thread and its place there) in the same happens-before
  // order, whatever order they ran in. Transitions that did nothing (a
  // thread's start) are left out.
  std::uint64_t fingerprint() const noexcept;
  // has_global: a closed transition was dependent with everything (a timed
  // wait that timed out, a process's death, the program's end).
  bool has_global() const noexcept { return last_global_ != Transition::kNone; }
  // happens_before: transition `a` happens before transition `b` (or is it).
  bool happens_before(std::uint32_t a, std::uint32_t b) const noexcept {
    const Transition& x = transitions_[a];
    const Transition& y = transitions_[b];
    return x.thread < y.clock.size() && y.clock[x.thread] >= x.local;
  }

 private:
  struct History {
    std::uint32_t last_write = Transition::kNone;
    std::vector<std::uint32_t> reads;  // since the last write
    std::vector<std::uint32_t> all;    // every transition that touched it, in order
  };
  void join(std::vector<std::uint32_t>& into, std::uint32_t from) const;
  void find_races(std::uint32_t j);
  bool ordered_otherwise(std::uint32_t c, std::uint32_t j, ObjectKey skip_object,
                         const std::vector<std::uint32_t>& others) const;
  bool disabled_at(std::uint32_t c, std::uint32_t j) const noexcept;
  // ended_wait: did the notify_all of transition c end the wait on `object`
  // that transition j's wake returns from?
  bool ended_wait(std::uint32_t c, std::uint32_t j, ObjectKey object) const;

  std::vector<Transition> transitions_;
  std::vector<std::uint32_t> last_of_thread_;  // by thread
  std::vector<std::uint32_t> spawner_of_;      // by thread
  std::unordered_map<ObjectKey, History> objects_;
  std::uint32_t last_global_ = Transition::kNone;
  std::vector<std::uint32_t> all_clock_;       // join of every closed transition's clock
  std::vector<Race> races_;
  bool open_ = false;
};

}  // namespace weft::sched
