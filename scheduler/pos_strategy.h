#pragma once
// PosStrategy: partial order sampling (Yuan, Yang, Gu, "Partial Order Aware
// Concurrency Sampling", CAV 2018). Every thread's pending operation has a
// random priority; the highest-priority runnable thread runs; then the
// operation that ran and every pending operation that conflicts with it
// (same object, one of them writes: scheduler/conflict.h) get fresh
// priorities, and all others keep theirs.
//
// A thread whose pending operation conflicts with nothing that runs keeps
// its priority, so a thread drawn low waits while the others run long
// stretches of independent work: a stretch of L steps is run with
// probability about 1/(L+1), against 2^-L under the random walk. That is
// what it finds that the random walk misses: a thread paused in the middle
// of an operation while another makes many steps.
//
// A thread that yields is passed over while another can run (as under the
// random walk), so a spin loop that yields lets the others progress.

#include <cstdint>
#include <vector>

#include "scheduler/rng.h"
#include "scheduler/strategy.h"

namespace weft::sched {

class Execution;

// PosPriorities: the priorities of POS, kept for any strategy that ranks
// threads with them (reads-from fuzzing breaks its ties with POS).
class PosPriorities {
 public:
  void clear() noexcept { priority_.clear(); }
  // fresh gives thread `t` a new random priority.
  void fresh(ThreadId t, Rng& rng);
  std::uint64_t of(ThreadId t) const noexcept { return t < priority_.size() ? priority_[t] : 0; }
  // ran re-draws the priorities of `pick`, which is about to run, and of
  // every runnable thread whose pending operation conflicts with its one.
  void ran(const Execution& x, const Decision& d, ThreadId pick, Rng& rng);

 private:
  std::vector<std::uint64_t> priority_;  // by thread id
};

class PosStrategy final : public Strategy {
 public:
  PosStrategy(const Execution& execution, std::uint64_t seed) noexcept : x_(execution), seed_(seed) {}

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;
  void on_spawn(ThreadId id) override { priorities_.fresh(id, rng_); }

 private:
  const Execution& x_;
  std::uint64_t seed_;
  Rng rng_;
  PosPriorities priorities_;
};

}  // namespace weft::sched
