#include "scheduler/guide_strategy.h"

#include <algorithm>

namespace weft::sched {

void GuideStrategy::begin(std::uint64_t) {
  taken_.clear();
  at_ = 0;
  preemptions_ = 0;
  if (schedule_) reader_.emplace(*schedule_);
}

std::uint32_t GuideStrategy::next_wish(bool thread, std::uint32_t bound) noexcept {
  if (reader_) return reader_->exhausted() ? Choice::kAny : reader_->next(bound);
  if (at_ >= wishes_.size()) return Choice::kAny;
  const Choice& c = wishes_[at_++];
  return c.thread == thread ? c.value : Choice::kAny;
}

ThreadId GuideStrategy::pick_thread(const Decision& d) {
  const bool can_go_on = d.current != kNoThread && !d.yielding && d.can_run(d.current);
  const std::uint32_t wish = next_wish(true, d.thread_count);
  ThreadId t = kNoThread;
  if (wish != Choice::kAny && d.can_run(wish)) t = wish;
  else if (can_go_on) t = d.current;
  else t = *std::min_element(d.runnable.begin(), d.runnable.end());
  const bool preempts = can_go_on && t != d.current;
  preemptions_ += preempts ? 1 : 0;
  taken_.push_back(Choice{t, true, preempts, d.current, d.step});
  return t;
}

std::uint32_t GuideStrategy::pick_value(std::uint32_t bound, std::uint64_t step) {
  const std::uint32_t wish = next_wish(false, bound);
  const std::uint32_t v = wish < bound ? wish : 0;
  taken_.push_back(Choice{v, false, false, Choice::kAny, step});
  return v;
}

}  // namespace weft::sched
