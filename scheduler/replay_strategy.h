#pragma once
// ReplayStrategy: follows a recorded schedule choice by choice, and throws
// ScheduleMismatch with the step and the reason when the execution no
// longer fits it (the body changed, or the token belongs to another test).

#include <optional>
#include <string>

#include "scheduler/schedule.h"
#include "scheduler/strategy.h"

namespace weft::sched {

// Divergence is where a replay left its schedule: the choice the schedule
// held there (or none: it ran out), so a report can show it beside what the
// execution could do instead.
struct Divergence {
  std::uint64_t step = 0;
  bool thread_choice = true;       // a choice of thread, not of value
  bool ran_out = false;            // the schedule had no choice left
  std::uint32_t recorded = 0;      // the schedule's thread, or value
  std::uint32_t bound = 0;         // for a value choice: how many options the execution had
};

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(const Schedule& schedule) noexcept : schedule_(schedule), reader_(schedule_) {}

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;

  // finished is true when every recorded choice was taken.
  bool finished() const noexcept { return reader_.exhausted(); }
  std::size_t taken() const noexcept { return reader_.taken(); }
  // divergence is where the last execution left the schedule, if it did.
  const std::optional<Divergence>& divergence() const noexcept { return divergence_; }

 private:
  [[noreturn]] void diverge(Divergence d, const std::string& why);

  std::optional<Divergence> divergence_;
  const Schedule& schedule_;
  ScheduleReader reader_;
};

}  // namespace weft::sched
