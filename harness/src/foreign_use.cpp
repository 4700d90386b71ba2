#include "foreign_use.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>

#include "engine_access.h"

namespace weft::detail {

// ForeignUseRegistry is the process-wide list of the watches of explore and
// replay calls in progress, which foreign threads consult. Explorations may
// run on several OS threads at once, so it is guarded; its counts let every
// path where nothing is watched, or no foreign use is pending, skip the lock.
struct ForeignUseRegistry {
  std::mutex guard;
  std::vector<ForeignUseWatch*> watches;
  std::atomic<std::size_t> watched{0};  // watches.size()
  std::atomic<std::size_t> pending{0};  // entries of the watches' unbound_ lists

  // kMaxPending bounds what one execution remembers of foreign uses of
  // objects it has not used (yet).
  static constexpr std::size_t kMaxPending = 64;

  static ForeignUseRegistry& get() {
    static ForeignUseRegistry registry;
    return registry;
  }

  static void note(ForeignUseWatch& w, const ForeignUseWatch::Use& use) {
    if (w.seen_in_ != use.generation) {
      w.seen_in_ = use.generation;
      w.seen_ = use;
    }
    w.noted_.store(true, std::memory_order_release);
  }

  // forget drops what `w` recorded; under the lock.
  void forget(ForeignUseWatch& w) {
    pending.fetch_sub(w.unbound_.size(), std::memory_order_relaxed);
    w.unbound_.clear();
    w.seen_in_ = 0;
    w.noted_.store(false, std::memory_order_relaxed);
  }
};

ForeignUseWatch::ForeignUseWatch() {
  ForeignUseRegistry& r = ForeignUseRegistry::get();
  const std::lock_guard<std::mutex> hold(r.guard);
  r.watches.push_back(this);
  r.watched.fetch_add(1, std::memory_order_release);
}

ForeignUseWatch::~ForeignUseWatch() {
  ForeignUseRegistry& r = ForeignUseRegistry::get();
  const std::lock_guard<std::mutex> hold(r.guard);
  r.forget(*this);
  r.watches.erase(std::find(r.watches.begin(), r.watches.end(), this));
  r.watched.fetch_sub(1, std::memory_order_relaxed);
}

void ForeignUseWatch::begin(sched::Execution& execution) {
  generation_.store(execution.generation(), std::memory_order_release);
  if (!noted_.load(std::memory_order_acquire)) return;
  ForeignUseRegistry& r = ForeignUseRegistry::get();
  const std::lock_guard<std::mutex> hold(r.guard);
  r.forget(*this);  // all of it from earlier executions
}

void ForeignUseWatch::end(sched::Execution& execution) {
  const std::uint64_t generation = generation_.exchange(0, std::memory_order_acq_rel);
  if (!noted_.load(std::memory_order_acquire)) return;
  Use seen{};
  {
    ForeignUseRegistry& r = ForeignUseRegistry::get();
    const std::lock_guard<std::mutex> hold(r.guard);
    if (seen_in_ == generation) seen = seen_;
    r.forget(*this);
  }
  const sched::Outcome outcome = execution.outcome();
  if (!seen.slot || (outcome != sched::Outcome::Completed && outcome != sched::Outcome::Stopped)) return;
  execution.fail(sched::Verdict::Misuse,
                 std::string("an OS thread that weft does not run (a std::thread or pthread started without "
                             "weft::interpose) used a ") +
                     seen.kind +
                     " of this execution: its operations are no scheduling points, so weft neither interleaved "
                     "nor can replay them, and the outcome depended on real timing; start the thread with "
                     "weft::thread, or link the test with weft::interpose (docs/interposition.md)",
                 at(seen.where));
}

void foreign_use(const Slot& slot, const char* kind, source_location where) noexcept {
  ForeignUseRegistry& r = ForeignUseRegistry::get();
  if (r.watched.load(std::memory_order_acquire) == 0) return;
  // An OS thread that runs an execution is no foreign one: it is on weft's
  // own stack (destroying a thread's callable) or in weft's own work.
  if (sched::Execution::bound()) return;
  // The execution's own thread may be binding this slot right now: the
  // read races with it, on a path that is a misuse already, and an aligned
  // word reads whole.
  const std::uint64_t bound_to = slot.generation;
  try {
    const std::lock_guard<std::mutex> hold(r.guard);
    for (ForeignUseWatch* w : r.watches) {
      const std::uint64_t generation = w->generation_.load(std::memory_order_acquire);
      if (generation == 0) continue;
      const ForeignUseWatch::Use use{&slot, kind, where, generation};
      if (bound_to == generation) {
        ForeignUseRegistry::note(*w, use);
        continue;
      }
      const bool known = std::any_of(w->unbound_.begin(), w->unbound_.end(), [&](const ForeignUseWatch::Use& u) {
        return u.slot == &slot && u.generation == generation;
      });
      if (known || w->unbound_.size() >= ForeignUseRegistry::kMaxPending) continue;
      w->unbound_.push_back(use);
      r.pending.fetch_add(1, std::memory_order_relaxed);
      w->noted_.store(true, std::memory_order_release);
    }
  } catch (...) {
    // Out of memory, or a broken mutex: the misuse goes unreported, the
    // operation itself still takes place.
  }
}

void first_binding(const sched::Execution& x, const Slot& slot) noexcept {
  ForeignUseRegistry& r = ForeignUseRegistry::get();
  if (r.pending.load(std::memory_order_relaxed) == 0) return;
  // On a weft thread: the lock is weft's own, not a scheduling point of the
  // test (with weft::interpose every pthread mutex would be one).
  const sched::Execution::Uncontrolled own_work;
  try {
    const std::lock_guard<std::mutex> hold(r.guard);
    for (ForeignUseWatch* w : r.watches) {
      if (w->generation_.load(std::memory_order_relaxed) != x.generation()) continue;
      for (const ForeignUseWatch::Use& u : w->unbound_)
        if (u.slot == &slot && u.generation == x.generation()) ForeignUseRegistry::note(*w, u);
    }
  } catch (...) {
  }
}

}  // namespace weft::detail
