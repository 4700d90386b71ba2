#include "scheduler/pos_strategy.h"

#include "scheduler/conflict.h"
#include "scheduler/execution.h"

namespace weft::sched {

void PosPriorities::fresh(ThreadId t, Rng& rng) {
  if (priority_.size() <= t) priority_.resize(t + 1, 0);
  priority_[t] = rng.next();
}

void PosPriorities::ran(const Execution& x, const Decision& d, ThreadId pick, Rng& rng) {
  const OpKind op = x.pending_op(pick);
  const ObjectRef object = x.pending_object(pick);
  for (ThreadId t : d.runnable)
    if (t != pick && conflicts(op, object, x.pending_op(t), x.pending_object(t))) fresh(t, rng);
  // The thread's next operation is a new one: it gets a priority of its own.
  fresh(pick, rng);
}

void PosStrategy::begin(std::uint64_t index) {
  rng_.reseed(splitmix64(seed_ ^ 0x504f530000000000ull) ^ splitmix64(index + 1));
  priorities_.clear();
}

ThreadId PosStrategy::pick_thread(const Decision& d) {
  ThreadId best = kNoThread;
  for (ThreadId t : d.runnable)
    if (d.may_pick(t) && (best == kNoThread || priorities_.of(t) > priorities_.of(best))) best = t;
  priorities_.ran(x_, d, best, rng_);
  return best;
}

std::uint32_t PosStrategy::pick_value(std::uint32_t bound, std::uint64_t) { return rng_.below(bound); }

}  // namespace weft::sched
