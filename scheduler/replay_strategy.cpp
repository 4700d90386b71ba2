#include "scheduler/replay_strategy.h"

#include <algorithm>
#include <string>
#include <vector>

namespace weft::sched {

namespace {
std::string list_threads(std::span<const ThreadId> threads) {
  std::vector<ThreadId> sorted(threads.begin(), threads.end());
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (ThreadId t : sorted) out += (out.empty() ? "T" : ", T") + std::to_string(t);
  return out;
}
}  // namespace

void ReplayStrategy::begin(std::uint64_t) {
  reader_ = ScheduleReader(schedule_);
  divergence_.reset();
}

void ReplayStrategy::diverge(Divergence d, const std::string& why) {
  divergence_ = d;
  throw ScheduleMismatch("the schedule diverged at step " + std::to_string(d.step) + ": " + why);
}

ThreadId ReplayStrategy::pick_thread(const Decision& d) {
  if (reader_.exhausted())
    diverge(Divergence{d.step, true, true, 0, 0},
            "the token's choices ran out while threads " + list_threads(d.runnable) + " could still run");
  const ThreadId t = reader_.next(d.thread_count);
  if (!d.can_run(t))
    diverge(Divergence{d.step, true, false, t, 0},
            "the token expected T" + std::to_string(t) + " to be runnable, but runnable are " + list_threads(d.runnable));
  return t;
}

std::uint32_t ReplayStrategy::pick_value(std::uint32_t bound, std::uint64_t step) {
  if (reader_.exhausted())
    diverge(Divergence{step, false, true, 0, bound},
            "the token's choices ran out at a choice among " + std::to_string(bound) + " options");
  const std::uint32_t v = reader_.next(bound);
  if (v >= bound)
    diverge(Divergence{step, false, false, v, bound},
            "the token chose option " + std::to_string(v) + " of a choice that has only " + std::to_string(bound));
  return v;
}

}  // namespace weft::sched
