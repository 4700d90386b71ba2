#include "scheduler/random_strategy.h"

namespace weft::sched {

void RandomStrategy::begin(std::uint64_t index) { rng_.reseed(splitmix64(seed_) ^ splitmix64(index + 1)); }

ThreadId RandomStrategy::pick_thread(const Decision& d) {
  const auto n = static_cast<std::uint32_t>(d.runnable.size());
  if (!d.yielding || n == 1) return d.runnable[rng_.below(n)];
  // A yielding thread lets the others go first; it is runnable, so it is
  // among them and one slot fewer is drawn.
  std::uint32_t k = rng_.below(n - 1);
  for (ThreadId t : d.runnable) {
    if (t == d.current) continue;
    if (k-- == 0) return t;
  }
  return d.runnable[0];
}

std::uint32_t RandomStrategy::pick_value(std::uint32_t bound, std::uint64_t) { return rng_.below(bound); }

}  // namespace weft::sched
