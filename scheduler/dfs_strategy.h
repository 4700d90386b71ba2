#pragma once
// DfsStrategy: plain depth-first enumeration of every schedule (every
// runnable thread at every decision, every value of every choice, up to
// Search's bounds), with no reduction: the reference that exhaustive search
// with partial-order reduction is tested against, and the search inside a
// preemption bound.
//
// With a preemption bound k it is CHESS's iterative context bounding
// (Musuvathi, Qadeer, "Iterative Context Bounding for Systematic Testing of
// Multithreaded Programs", PLDI 2007): first every schedule without a
// preemption (a switch away from a thread that could have gone on and did
// not yield), then every one with exactly 1, ... up to k, each level
// complete before the next. A level runs the schedules of the levels below
// it again on its way (they count as Run::Redundant), and the search stops
// early once a level met no schedule the bound held back.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/search.h"

namespace weft::sched {

class DfsStrategy final : public Search {
 public:
  DfsStrategy(std::optional<std::uint32_t> preemption_bound, std::uint32_t shard, std::uint32_t shards) noexcept;

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;
  std::uint32_t pick_rare(std::uint32_t bound, std::uint64_t step) override;
  void end(std::uint64_t steps) override;

  void save(std::string& out) const override;
  bool load(std::string_view in, std::string& error) override;

  // level is the number of preemptions the search is at.
  std::uint32_t level() const noexcept { return level_; }

 private:
  struct Node {
    bool decision = true;
    std::vector<ThreadId> options;  // a decision's threads: the one that ran on first, if it could
    std::vector<bool> preempts;     // whether taking options[i] is a preemption
    std::uint32_t bound = 0;        // a value choice: explores [0, bound)
    std::uint32_t at = 0;           // the option or value taken now
    std::uint32_t preemptions = 0;  // preemptions before this node
  };
  bool allowed(const Node& n, std::uint32_t option) noexcept;
  bool advance(Node& n);
  void backtrack();
  [[noreturn]] void prune(Run why);

  std::optional<std::uint32_t> bound_;
  std::uint32_t level_ = 0;
  bool held_back_ = false;          // this level passed over a schedule for its preemptions
  std::vector<Node> path_;
  std::size_t at_ = 0;
  std::uint32_t preemptions_ = 0;   // in this execution so far
  bool claimed_ = false;
  bool pruned_ = false;
};

}  // namespace weft::sched
