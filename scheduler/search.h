#pragma once
// Search: a strategy that searches the whole space of executions instead of
// sampling it (DporStrategy, DfsStrategy). The exploration loop runs
// executions until done(), and asks after each how it counts.
//
// What every search shares:
// - value choices among more than kMaxValues options explore only the first
//   kMaxValues, and rare choices (a spurious wake-up, a short read or write:
//   Execution::choose_rare) at most kRareChoices per execution; either
//   makes the search cover less than the body's whole space, which cut()
//   says;
// - a body that does not repeat itself when an execution's prefix is run
//   again (it depends on something weft does not control) makes the search
//   drop that part of the space, which cut() says too;
// - shards: the first branching choices of every execution (kFrontier
//   levels for the number of shards) are explored in full by every shard,
//   and each execution that reaches that depth (the frontier) belongs to
//   exactly one shard, by its number in the order all shards meet them.
//   Each shard explores below its own frontier nodes only: disjoint parts
//   whose union is the whole search.

#include <cstdint>
#include <string>
#include <string_view>

#include "scheduler/strategy.h"

namespace weft::sched {

class Search : public Strategy {
 public:
  static constexpr std::uint32_t kMaxValues = 16;
  static constexpr std::uint32_t kRareChoices = 1;

  // Run is how the execution that just ended counts.
  enum class Run : std::uint8_t {
    Explored,   // a new execution (for dpor: a new equivalence class)
    Redundant,  // cut short or completed as one explored already (sleep-set blocked), or
                // repeated from a lower preemption bound
    Foreign,    // it belongs to another shard: not counted here
    Diverged,   // the body did not repeat the prefix the search replayed
  };

  Search(std::uint32_t shard, std::uint32_t shards) noexcept;

  // done: every execution of the space was run.
  bool done() const noexcept { return done_; }
  Run last_run() const noexcept { return run_; }
  // cut says, when the space searched is smaller than the body's, why;
  // empty when it is all of it.
  std::string cut() const;

  // save writes the search's progress between two executions; load reads
  // it back into a search made with the same settings (false, with an
  // error, if it cannot). Used by checkpoints.
  virtual void save(std::string& out) const = 0;
  virtual bool load(std::string_view in, std::string& error) = 0;

 protected:
  // frontier_depth is how many branching choices every shard explores
  // above the frontier (0 without shards).
  std::uint32_t frontier_depth() const noexcept { return frontier_depth_; }
  bool sharded() const noexcept { return shards_ > 1; }
  // claim numbers the next frontier node or upper leaf and says whether it
  // belongs to this shard.
  bool claim() noexcept { return frontier_next_++ % shards_ == shard_; }
  // limit_of is how many values of a choice among `bound` are explored.
  std::uint32_t limit_of(std::uint32_t bound) noexcept;
  // rare_allowed says whether another rare choice may take a rare value in
  // this execution; it notes the cut when not.
  bool rare_allowed() noexcept;
  void spend_rare() noexcept { ++rare_used_; }
  void begin_run() noexcept { rare_used_ = 0; }
  void note_diverged() noexcept { diverged_ = true; }

  void save_common(std::string& out) const;
  bool load_common(std::string_view& in);
  // put appends a number and a space; get reads one back (false at the
  // end or on anything else).
  static void put(std::string& out, std::uint64_t n);
  static bool get(std::string_view& in, std::uint64_t& n);

  bool done_ = false;
  Run run_ = Run::Explored;
  std::uint32_t shard_;
  std::uint32_t shards_;
  std::uint64_t frontier_next_ = 0;

 private:
  std::uint32_t frontier_depth_;
  std::uint32_t rare_used_ = 0;
  bool values_cut_ = false;
  bool rare_cut_ = false;
  bool diverged_ = false;
};

}  // namespace weft::sched
