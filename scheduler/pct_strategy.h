#pragma once
// PctStrategy: probabilistic concurrency testing (Burckhardt, Kothari,
// Musuvathi, Nagarakatte, ASPLOS 2010). Threads get random distinct
// priorities when created; the highest-priority runnable thread always
// runs; at depth-1 random steps the running thread drops below every
// initial priority. A bug of depth d is found with probability at least
// 1/(n k^(d-1)) per execution (n threads, k steps).
//
// As in the paper, change point i (numbered in the order drawn, not in step
// order) gives the running thread priority i, below every initial priority
// (those are >= depth). The step count k is learned: the longest execution
// seen so far.
//
// Two departures from the paper keep PCT from hanging on real code: a
// thread that yields again within kYieldWindow steps of its last yield is
// spinning, and drops to the lowest priority (a spin loop waiting for a
// lower-priority thread would otherwise spin forever); so does a thread that
// has run kSpinBound decisions in a row while others could run. A single
// yield in straight-line code keeps its priority, so PCT still explores the
// yielding thread running on.

#include <cstdint>
#include <vector>

#include "scheduler/rng.h"
#include "scheduler/strategy.h"

namespace weft::sched {

class PctStrategy final : public Strategy {
 public:
  static constexpr std::uint64_t kSpinBound = 1000;
  static constexpr std::uint64_t kYieldWindow = 8;

  PctStrategy(std::uint64_t seed, unsigned depth) noexcept : seed_(seed), depth_(depth ? depth : 1) {}

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;
  void on_spawn(ThreadId id) override;
  void end(std::uint64_t steps) override;

 private:
  ThreadId highest(const Decision& d) const noexcept;
  void demote(ThreadId t) { priority_[t] = --lowest_; }

  std::uint64_t seed_;
  unsigned depth_;
  Rng rng_;
  std::vector<std::int64_t> priority_;    // by thread id; initial ones are >= depth
  std::vector<std::uint64_t> last_yield_; // by thread id: step of its last yield, 0 if none
  struct Change {
    std::uint64_t step;   // the step at which the running thread drops
    std::int64_t label;   // the priority it drops to, in [1, depth)
  };
  std::vector<Change> changes_;           // ascending by step
  std::size_t next_change_ = 0;
  std::int64_t lowest_ = 0;               // last priority handed to a yielding or spinning thread
  std::uint64_t length_estimate_ = 1;     // k: the longest execution seen so far
  ThreadId last_ = kNoThread;
  std::uint64_t streak_ = 0;
};

}  // namespace weft::sched
