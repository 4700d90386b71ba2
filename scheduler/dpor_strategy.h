#pragma once
// DporStrategy: stateless model checking with optimal dynamic partial-order
// reduction (Abdulla, Aronis, Jonsson, Sagonas, "Source Sets: A Foundation
// for Optimal Dynamic Partial Order Reduction", JACM 64(4), 2017): it runs
// one execution of every Mazurkiewicz trace of the body (every class of
// executions that differ only in the order of independent transitions).
//
// Each execution is run again from the start along a recorded prefix (the
// path: one node per choice), then continues into new ground. At its end,
// every race in it (two dependent transitions of different threads with
// nothing else ordering them) is a class to visit with the race reversed:
// the sequence that gets there (the transitions that do not depend on the
// first one, then the second) goes into the wakeup tree of the decision
// before the first one, unless a thread that could start it is asleep there
// (a sleep set holds the threads whose every execution from there was
// explored already, until a transition they depend on runs). Value choices
// are explored in full (up to Search's bounds).
//
// It sees what each transition touched through the events the execution
// records (it is a Tap), and which threads could run at every decision.
// See docs/exhaustive-search.md.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "scheduler/dpor_trace.h"
#include "scheduler/observer.h"
#include "scheduler/search.h"
#include "scheduler/wakeup_tree.h"

namespace weft::sched {

class Execution;

class DporStrategy final : public Search, public Tap {
 public:
  // kWakeupNodes caps the nodes of all wakeup trees together; past it a
  // reversed race is planned by its first transition only (see insert).
  static constexpr std::size_t kWakeupNodes = std::size_t{1} << 20;

  DporStrategy(const Execution& execution, std::uint32_t shard, std::uint32_t shards);
  ~DporStrategy() override;

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;
  std::uint32_t pick_rare(std::uint32_t bound, std::uint64_t step) override;
  void end(std::uint64_t steps) override;

  void on_start(Execution& execution, ThreadId thread) override;
  void on_record(Execution& execution, const Event& event) override;

  void save(std::string& out) const override;
  bool load(std::string_view in, std::string& error) override;

 private:
  struct Sleeper {
    ThreadId thread = 0;
    Footprint footprint;  // all its transitions from the node where it went to sleep
  };
  struct Node;
  enum class Prune : std::uint8_t { None, Redundant, Foreign, Diverged };

  Node& new_node(bool decision);
  void open(ThreadId thread, std::uint64_t step, std::int32_t node, const std::vector<ThreadId>& enabled);
  void ensure_open(ThreadId thread, std::uint64_t step);
  void close();
  [[noreturn]] void prune(Prune why);
  ThreadId choose_new(Node& n, const Decision& d);
  bool next_branch(Node& n);
  void analyze();
  void cut_off_by_exit();
  void backtrack();
  bool asleep(ThreadId t) const noexcept;
  void drop_children(WakeupNode& tree, ThreadId thread);

  const Execution& execution_;
  std::vector<std::unique_ptr<Node>> path_;
  std::size_t at_ = 0;               // next node of the path this execution reaches
  std::size_t resume_ = 0;           // the node the last backtrack changed
  std::uint32_t fresh_from_ = 0;     // first transition not replayed from the last execution
  DporTrace trace_;
  std::vector<Sleeper> sleep_;       // asleep now
  WakeupNode* follow_ = nullptr;     // where this execution is in a planned sequence
  std::vector<std::uint32_t> sections_;  // by thread: atomic-section depth
  std::vector<std::int32_t> extend_;     // by thread: the decision whose chosen footprint its next transition joins
  std::uint32_t in_sections_ = 0;
  std::size_t wakeup_nodes_ = 0;
  // The fingerprints (DporTrace::fingerprint) of the classes explored since
  // the first transition dependent with everything (a timed wait that timed
  // out, a process's death): only after one can a class be run again, and
  // a repeat counts as redundant, not as a new class.
  std::unordered_set<std::uint64_t> explored_classes_;
  bool seen_global_ = false;
  Prune pruned_ = Prune::None;
  bool redundant_ = false;           // a thread ran while asleep
  bool claimed_ = false;             // this execution reached its frontier node (sharded)
  // running_: between begin and end. The tap stays on the Execution while
  // other strategies use it (the replays that rebuild and shrink a failure):
  // their events are not this search's, and its trees are already
  // backtracked past them.
  bool running_ = false;
};

}  // namespace weft::sched
