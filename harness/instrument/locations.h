#pragma once
// Where instrumented code's operations are, for traces and reports.

#include "scheduler/types.h"

namespace weft::instrument {

// locate is the source location of the code that a hook's return address
// `caller` returns to: its file and line from the debug information.
sched::Location locate(const void* caller);

}  // namespace weft::instrument
