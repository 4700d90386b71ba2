#pragma once
// RaceDetector: happens-before data-race detection for weft::var, as an
// observer of the execution's events.

#include "scheduler/execution.h"
#include "scheduler/observer.h"

namespace weft::checkers {

class RaceDetector final : public sched::Observer {
 public:
  void begin(sched::Execution& execution) override;
  void on_event(sched::Execution& execution, const sched::Event& event) override;
};

}  // namespace weft::checkers
