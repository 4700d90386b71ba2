#include "scheduler/pct_strategy.h"

#include <algorithm>

namespace weft::sched {

void PctStrategy::begin(std::uint64_t index) {
  rng_.reseed(splitmix64(seed_ ^ 0x5043540000000000ull) ^ splitmix64(index + 1));
  priority_.clear();
  last_yield_.clear();
  changes_.clear();
  const auto k = static_cast<std::uint32_t>(std::min<std::uint64_t>(length_estimate_, UINT32_MAX));
  for (unsigned i = 1; i < depth_; ++i) changes_.push_back({1 + rng_.below(k), static_cast<std::int64_t>(i)});
  std::stable_sort(changes_.begin(), changes_.end(), [](const Change& a, const Change& b) { return a.step < b.step; });
  next_change_ = 0;
  lowest_ = 0;
  last_ = kNoThread;
  streak_ = 0;
}

void PctStrategy::on_spawn(ThreadId id) {
  if (priority_.size() <= id) {
    priority_.resize(id + 1, 0);
    last_yield_.resize(id + 1, 0);
  }
  priority_[id] = static_cast<std::int64_t>(depth_) + static_cast<std::int64_t>(rng_.next() >> 2);
}

ThreadId PctStrategy::highest(const Decision& d) const noexcept {
  ThreadId best = d.runnable[0];
  for (ThreadId t : d.runnable)
    if (priority_[t] > priority_[best]) best = t;
  return best;
}

ThreadId PctStrategy::pick_thread(const Decision& d) {
  if (d.runnable.size() == 1) return d.runnable[0];
  if (d.yielding && d.current != kNoThread) {
    std::uint64_t& last = last_yield_[d.current];
    if (last != 0 && d.step - last <= kYieldWindow) demote(d.current);
    last = d.step;
  }
  ThreadId pick = highest(d);
  while (next_change_ < changes_.size() && changes_[next_change_].step <= d.step) {
    priority_[pick] = changes_[next_change_++].label;
    pick = highest(d);
  }
  streak_ = pick == last_ ? streak_ + 1 : 0;
  if (streak_ >= kSpinBound) {
    demote(pick);
    pick = highest(d);
    streak_ = 0;
  }
  last_ = pick;
  return pick;
}

std::uint32_t PctStrategy::pick_value(std::uint32_t bound, std::uint64_t) { return rng_.below(bound); }

void PctStrategy::end(std::uint64_t steps) { length_estimate_ = std::max(length_estimate_, steps); }

}  // namespace weft::sched
