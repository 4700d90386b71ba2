#pragma once
// build_failure turns the engine's record of a failed execution into the
// public weft::Failure: typed kind, explained message, thread states, the
// last `trace_tail` steps of the trace (0: all of them) and the replay token.

#include <cstddef>
#include <cstdint>

#include "scheduler/execution.h"
#include "weft/failure.h"

namespace weft::detail {

Failure build_failure(const sched::Execution& x, std::uint64_t execution_index, std::size_t trace_tail);

}  // namespace weft::detail
