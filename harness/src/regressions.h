#pragma once
// Failures that stay fixed (Options::regressions, WEFT_REGRESSIONS): explore
// replays a test's regression file before it explores, re-derives the
// entries whose token no longer fits by running their search again, and
// adds the failure it finds. docs/replaying.md#regression-files.

#include <functional>

#include "weft/explore.h"

namespace weft::detail {

// explore_with_regressions is weft::explore for options that name a
// regression directory: the entries of the test's file first (the first
// one that fails is the Report's failure), then, if none failed, the
// exploration `options` ask for; with Report::regressions saying what the
// file gave. A malformed file fails before anything runs (ReplayError,
// naming the file and line) and is left as it is.
Report explore_with_regressions(const std::function<void()>& body, const Options& options);

}  // namespace weft::detail
