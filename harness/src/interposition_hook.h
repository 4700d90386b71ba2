#pragma once
// The seam between explore/replay and weft::interpose, which a test
// executable may or may not link: a weak reference, null without it.

#include <memory>

#include "scheduler/observer.h"

namespace weft::detail {

// make_interposition_observer is defined by weft::interpose: an observer
// explore and replay add to their executions (per-execution set-up of the
// interposed functions, and the checks that only make sense with them).
std::unique_ptr<sched::Observer> make_interposition_observer() __attribute__((weak));

// interposition_observer returns that observer, or null when the
// executable does not link weft::interpose.
inline std::unique_ptr<sched::Observer> interposition_observer() {
  return &make_interposition_observer != nullptr ? make_interposition_observer() : nullptr;
}

}  // namespace weft::detail
