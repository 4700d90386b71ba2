#pragma once
// WakeupTree: the executions an exhaustive search still owes one of its
// decisions, as sequences of transitions to run from there, kept as an
// ordered tree so that sequences that start alike share their beginning
// (Abdulla, Aronis, Jonsson, Sagonas, "Source Sets: A Foundation for
// Optimal Dynamic Partial Order Reduction", JACM 64(4), 2017, section 6).
//
// A sequence is inserted unless the tree already holds one that leads to
// the same execution up to the order of independent transitions; the
// search follows the first branch, then the next, and so on.

#include <cstdint>
#include <memory>
#include <vector>

#include "scheduler/footprint.h"
#include "scheduler/types.h"

namespace weft::sched {

// Step is one transition of a sequence: its thread, the value choices it
// made and what it touched, as seen in the execution it comes from.
struct Step {
  ThreadId thread = 0;
  std::vector<std::uint32_t> values;
  Footprint footprint;
  friend bool operator==(const Step&, const Step&) = default;
};

struct WakeupNode {
  Step step;
  std::vector<std::unique_ptr<WakeupNode>> children;  // in exploration order
};

// Sequence is a list of transitions to run one after the other.
using Sequence = std::vector<Step>;

// dependent: the two transitions' order matters (same thread, or their
// footprints conflict).
inline bool dependent(const Step& a, const Step& b) noexcept {
  return a.thread == b.thread || a.footprint.conflicts(b.footprint);
}

// initial_of says whether thread `p` can start `w` (its first transition in
// w depends on nothing before it in w), and where that transition is.
bool initial_of(const Sequence& w, ThreadId p, std::size_t& at);
// weak_initial says whether a thread whose next transition is `step` can go
// first in an execution that continues with `w`: it starts w, or it is
// independent of all of it.
bool weak_initial(const Sequence& w, const Step& step);

// insert adds `w` to the tree under `root` unless a branch already covers
// it. Children of `root` whose thread is `current` (the branch being
// explored) are passed over. Past `cap` nodes in all (`count` counts them),
// only w's first transition is added, as source-set DPOR would: memory
// stays bounded, and the search is still complete, though it may run into
// executions it explored already. Returns whether anything was added.
bool insert(WakeupNode& root, ThreadId current, Sequence w, std::size_t& count, std::size_t cap);

// size counts the nodes below `root`.
std::size_t size(const WakeupNode& root) noexcept;

}  // namespace weft::sched
