#pragma once
// RandomStrategy: a uniform random walk. Each execution draws from its own
// generator seeded by (seed, execution index), so any execution can be
// re-run on its own.

#include "scheduler/rng.h"
#include "scheduler/strategy.h"

namespace weft::sched {

class RandomStrategy final : public Strategy {
 public:
  explicit RandomStrategy(std::uint64_t seed) noexcept : seed_(seed) {}

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;

 private:
  std::uint64_t seed_;
  Rng rng_;
};

}  // namespace weft::sched
