#pragma once
// make_strategy: the engine's strategy for a weft::Strategy.

#include <memory>

#include "scheduler/execution.h"
#include "scheduler/strategy.h"
#include "weft/options.h"

namespace weft::detail {

// make_strategy builds the strategy `options` names, seeded with its seed,
// for executions run on `execution` (strategies that look ahead read the
// runnable threads' pending operations from it). The caller registers the
// strategy's observer(), if any, on the execution.
std::unique_ptr<sched::Strategy> make_strategy(const Options& options, const sched::Execution& execution);

}  // namespace weft::detail
