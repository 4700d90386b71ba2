#pragma once
// SurwStrategy: selectively uniform random walk (Zhao, Wolff, Mathur,
// Roychoudhury, "Selectively Uniform Concurrency Testing", ASPLOS 2025).
//
// The random walk picks uniformly among the runnable threads at every step,
// which is far from uniform over interleavings: a schedule in which a short
// thread's step comes after many steps of a long thread is exponentially
// unlikely. Picking each thread with probability proportional to the number
// of steps it has left makes every interleaving equally likely (URW). SURW
// applies that to a selected set of "interesting" operations only, so that
// the weights count what matters.
//
// weft's reading, per execution:
//  - the interesting operations are those on the shared objects
//    (SharedObjects) selected for this execution: all of them, or, one time
//    in two, a single one drawn uniformly;
//  - a thread whose next operation is not interesting runs first (drawn
//    uniformly among such threads): with all shared objects selected that
//    loses no ordering that matters, since such an operation commutes with
//    every other thread's;
//  - among threads at interesting operations, thread t is drawn with weight
//    equal to the interesting operations it has left, counting those of the
//    threads it has yet to create (a spawn moves the child's count from the
//    parent to the child);
//  - the counts are the most each thread made in any earlier execution
//    (thread ids are creation order); until an execution has found a shared
//    object, SURW walks uniformly, learning.

#include <cstdint>
#include <map>
#include <vector>

#include "scheduler/rng.h"
#include "scheduler/shared_objects.h"
#include "scheduler/strategy.h"

namespace weft::sched {

class Execution;

class SurwStrategy final : public Strategy {
 public:
  SurwStrategy(const Execution& execution, std::uint64_t seed) noexcept : x_(execution), seed_(seed) {}

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;
  void on_spawn(ThreadId id) override;
  void end(std::uint64_t steps) override;

 private:
  static std::uint64_t key(ObjectRef o) noexcept {
    return (std::uint64_t{static_cast<std::uint8_t>(o.kind)} << 32) | o.index;
  }
  bool interesting(ObjectRef o) const noexcept;
  std::uint64_t total(ThreadId t) const;  // t's selected operations and its descendants'
  ThreadId uniform(const Decision& d);
  ThreadId weighted(const Decision& d);

  const Execution& x_;
  std::uint64_t seed_;
  Rng rng_;
  SharedObjects shared_;
  // Learnt: per object, the most operations each thread made on it in one
  // execution; per thread, its parent.
  std::map<std::uint64_t, std::vector<std::uint32_t>> most_;
  std::vector<ThreadId> parent_;
  // This execution.
  bool learning_ = true;
  bool all_selected_ = true;
  ObjectRef selected_;
  std::vector<std::uint64_t> remaining_;  // by thread: selected operations left (>= 1 while it runs)
  std::map<std::uint64_t, std::vector<std::uint32_t>> seen_;  // operations per object and thread
  std::vector<ThreadId> scratch_;
};

}  // namespace weft::sched
