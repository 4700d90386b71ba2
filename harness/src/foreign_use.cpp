#include "foreign_use.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>

#include "engine_access.h"

namespace weft::detail {

// ForeignUseRegistry is the process-wide list of running executions'
// watches, which foreign threads consult. Executions may run on several OS
// threads at once, so it is guarded; its counts let every path where no
// execution runs, or no foreign use is pending, skip the lock.
struct ForeignUseRegistry {
  std::mutex guard;
  std::vector<ForeignUseWatch*> running;
  std::atomic<std::size_t> watched{0};  // running.size()
  std::atomic<std::size_t> pending{0};  // entries of the watches' unbound_ lists

  // kMaxPending bounds what one execution remembers of foreign uses of
  // objects it has not used (yet).
  static constexpr std::size_t kMaxPending = 64;

  static ForeignUseRegistry& get() {
    static ForeignUseRegistry registry;
    return registry;
  }

  static void flag(ForeignUseWatch& w, const char* kind, source_location where) {
    if (w.seen_) return;
    w.seen_ = true;
    w.kind_ = kind;
    w.where_ = where;
  }

  void remove(ForeignUseWatch& w) {
    const auto at = std::find(running.begin(), running.end(), &w);
    if (at == running.end()) return;
    running.erase(at);
    watched.fetch_sub(1, std::memory_order_relaxed);
    pending.fetch_sub(w.unbound_.size(), std::memory_order_relaxed);
    w.unbound_.clear();
  }
};

ForeignUseWatch::~ForeignUseWatch() {
  ForeignUseRegistry& r = ForeignUseRegistry::get();
  const std::lock_guard<std::mutex> hold(r.guard);
  r.remove(*this);
}

void ForeignUseWatch::begin(sched::Execution& execution) {
  ForeignUseRegistry& r = ForeignUseRegistry::get();
  const std::lock_guard<std::mutex> hold(r.guard);
  r.remove(*this);
  generation_ = execution.generation();
  seen_ = false;
  r.running.push_back(this);
  r.watched.fetch_add(1, std::memory_order_release);
}

void ForeignUseWatch::end(sched::Execution& execution) {
  bool seen = false;
  {
    ForeignUseRegistry& r = ForeignUseRegistry::get();
    const std::lock_guard<std::mutex> hold(r.guard);
    r.remove(*this);
    generation_ = 0;
    seen = seen_;
  }
  const sched::Outcome outcome = execution.outcome();
  if (!seen || (outcome != sched::Outcome::Completed && outcome != sched::Outcome::Stopped)) return;
  execution.fail(sched::Verdict::Misuse,
                 std::string("an OS thread that weft does not run (a std::thread or pthread started without "
                             "weft::interpose) used a ") +
                     kind_ +
                     " of this execution: its operations are no scheduling points, so weft neither interleaved "
                     "nor can replay them, and the outcome depended on real timing; start the thread with "
                     "weft::thread, or link the test with weft::interpose (docs/interposition.md)",
                 at(where_));
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
  const std::uint64_t generation = slot.generation;
  try {
    const std::lock_guard<std::mutex> hold(r.guard);
    for (ForeignUseWatch* w : r.running) {
      if (generation == w->generation_) {
        ForeignUseRegistry::flag(*w, kind, where);
        continue;
      }
      const bool known = std::any_of(w->unbound_.begin(), w->unbound_.end(),
                                     [&](const ForeignUseWatch::Use& u) { return u.slot == &slot; });
      if (known || w->unbound_.size() >= ForeignUseRegistry::kMaxPending) continue;
      w->unbound_.push_back({&slot, kind, where});
      r.pending.fetch_add(1, std::memory_order_relaxed);
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
    for (ForeignUseWatch* w : r.running) {
      if (w->generation_ != x.generation()) continue;
      for (const ForeignUseWatch::Use& u : w->unbound_)
        if (u.slot == &slot) ForeignUseRegistry::flag(*w, u.kind, u.where);
    }
  } catch (...) {
  }
}

}  // namespace weft::detail
