#include "scheduler/steer_strategy.h"

namespace weft::sched {

void SteerStrategy::begin(std::uint64_t index) {
  delays_ = 0;
  base_.begin(index);
}

ThreadId SteerStrategy::pick_thread(const Decision& d) {
  if (delays_ >= max_delays_) return base_.pick_thread(d);
  allowed_.clear();
  for (ThreadId t : d.runnable)
    if (!delay_(t)) allowed_.push_back(t);
  if (allowed_.empty() || allowed_.size() == d.runnable.size()) return base_.pick_thread(d);
  ++delays_;
  Decision narrowed = d;
  narrowed.runnable = allowed_;
  narrowed.set = nullptr;
  return base_.pick_thread(narrowed);
}

}  // namespace weft::sched
