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
//  - the interesting operations are those at the shared sites (SharedSites:
//    call sites seen operating on objects more than one thread uses)
//    selected for this execution: all of them, or, one time in two, a
//    single one drawn uniformly;
//  - a thread whose next operation is not interesting runs first (drawn
//    uniformly among such threads): with all shared sites selected that
//    loses no ordering that matters, since such an operation commutes with
//    every other thread's. Not when it is at the same site as at its last
//    step, which is a loop (a spin on a flag another thread sets must let
//    that thread run), nor after kMaxFirst such picks in a row;
//  - among threads at interesting operations, thread t is drawn with weight
//    equal to the interesting operations it has left, counting those of the
//    threads it has yet to create (a spawn moves the child's count from the
//    parent to the child);
//  - the counts are the most each thread made in any earlier execution
//    (thread ids are creation order); until an execution has found a shared
//    site, SURW walks uniformly, learning.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "scheduler/rng.h"
#include "scheduler/shared_sites.h"
#include "scheduler/strategy.h"

namespace weft::sched {

class Execution;

class SurwStrategy final : public Strategy {
 public:
  static constexpr std::uint64_t kMaxFirst = 256;

  SurwStrategy(const Execution& execution, std::uint64_t seed) noexcept : x_(execution), seed_(seed) {}

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;
  void on_spawn(ThreadId id) override;
  void end(std::uint64_t steps) override;

 private:
  struct Hash {
    std::size_t operator()(const SiteKey& s) const noexcept { return std::hash<const char*>()(s.file) ^ s.line; }
  };
  using Counts = std::unordered_map<SiteKey, std::vector<std::uint32_t>, Hash>;  // by site, then thread

  bool interesting(const SiteKey& site) const;
  SiteKey pending_site(ThreadId t) const noexcept;
  std::uint64_t total(ThreadId t) const;  // t's selected operations and its descendants'
  ThreadId uniform(const Decision& d);
  ThreadId weighted(const Decision& d);

  const Execution& x_;
  std::uint64_t seed_;
  Rng rng_;
  SharedSites shared_;
  // Learnt: per site, the most operations each thread made there in one
  // execution; per thread, its parent.
  Counts most_;
  std::vector<ThreadId> parent_;
  // This execution.
  bool learning_ = true;
  bool all_selected_ = true;
  SiteKey selected_;
  std::vector<std::uint64_t> remaining_;  // by thread: selected operations left (>= 1 while it runs)
  Counts seen_;                           // operations per site and thread
  std::vector<SiteKey> last_site_;        // by thread: the site of its last picked operation
  std::uint64_t first_streak_ = 0;        // picks in a row by the "not interesting first" rule
  std::vector<ThreadId> scratch_;
};

}  // namespace weft::sched
