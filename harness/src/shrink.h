#pragma once
// shrink: once explore found a failing execution, look for a simpler
// schedule that fails the same way, by editing the recorded choices and
// running them again under a lenient replay (sched::GuideStrategy).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "scheduler/execution.h"
#include "weft/explore.h"

namespace weft::detail {

// ShrinkLimits bound the executions and the wall-clock time shrinking takes.
struct ShrinkLimits {
  std::uint64_t executions = 200;
  std::chrono::milliseconds time{1000};  // 0: no limit
};

// Flip is a preemption of the shrunk schedule that causes the failure: at
// decision `step`, `preempting` ran instead of `preempted`; letting
// `preempted` take its next step first makes the failure go away.
struct Flip {
  std::uint64_t step = 0;
  std::uint32_t preempted = 0;
  std::uint32_t preempting = 0;
};

// Shrunk is what shrink found: the summary a Report carries (without its
// cause, which needs the rebuilt trace: cause_text) and the flip, if any.
struct Shrunk {
  Shrinking summary;
  std::optional<Flip> flip;
  bool flips_tried = true;  // every preemption was flipped (up to kMaxFlips) before the time limit
};

// numbers_masked replaces the numbers that name threads, objects and steps
// ("T2", "mutex#3", "step 14") by '?', since another schedule may number
// them otherwise; line numbers stay.
std::string numbers_masked(const std::string& text);

// same_failure says whether two failure records are the same bug: the same
// kind at the same place (the same assertion, the same racing pair, the
// same blocked operations), whatever the thread and step numbers.
bool same_failure(const sched::FailureRecord& a, const sched::FailureRecord& b);

// shrink starts from the failed execution `index` that `execution` just ran
// and returns what it did, or nothing when the failure is not one to shrink
// (a Hang, whose every schedule is as long as max_steps; a schedule with no
// choice, which has nothing to edit) or the failing
// schedule does not fail again the same way. Either way `execution` has
// then run the schedule reported (the simplest one found, or the original),
// non-recording, so that explore's failure_of can rebuild its report.
std::optional<Shrunk> shrink(sched::Execution& execution, const sched::Config& config, std::uint64_t index,
                        sched::ThreadBody body, const ShrinkLimits& limits);

// cause_text says in one line which ordering causes `failure` (the report
// of the shrunk schedule), from its trace: the flip's operations, or that no
// single flip of a preemption made the failure go away.
std::string cause_text(const Shrunk& shrunk, const Failure& failure);

}  // namespace weft::detail
