#pragma once
// ReplayStrategy: follows a recorded schedule choice by choice, and throws
// ScheduleMismatch with the step and the reason when the execution no
// longer fits it (the body changed, or the token belongs to another test).

#include "scheduler/schedule.h"
#include "scheduler/strategy.h"

namespace weft::sched {

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(const Schedule& schedule) noexcept : schedule_(schedule), reader_(schedule_) {}

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;

  // finished is true when every recorded choice was taken.
  bool finished() const noexcept { return reader_.exhausted(); }
  std::size_t taken() const noexcept { return reader_.taken(); }

 private:
  const Schedule& schedule_;
  ScheduleReader reader_;
};

}  // namespace weft::sched
