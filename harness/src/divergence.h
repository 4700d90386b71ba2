#pragma once
// divergence_text: where a replay left its token's schedule, shown side by
// side: the token's choice beside what each thread of the replay could do
// at that step, then the last steps the two had in common.

#include <string>

#include "scheduler/execution.h"
#include "scheduler/replay_strategy.h"
#include "weft/failure.h"

namespace weft::detail {

// divergence_text renders `d` for the ReplayError `record` (whose thread
// views are the replay's threads at the diverging step); `built` is its
// report, whose trace holds the common steps.
std::string divergence_text(const sched::Divergence& d, const sched::FailureRecord& record, const Failure& built);

}  // namespace weft::detail
