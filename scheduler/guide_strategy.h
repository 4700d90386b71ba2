#pragma once
// GuideStrategy: a lenient replay. It follows a list of wished-for choices
// where they still fit the execution and, where one does not (an edited
// schedule asks for a thread that cannot run, or a value out of range) or
// the list has run out, takes the choice that preempts nothing: the thread
// that ran goes on, else the lowest-numbered runnable thread; value 0. It
// notes every choice it made, so a shrinker can count preemptions and edit
// the schedule further.

#include <cstdint>
#include <optional>
#include <vector>

#include "scheduler/schedule.h"
#include "scheduler/strategy.h"

namespace weft::sched {

// Choice is one choice of a schedule as the shrinker edits it.
struct Choice {
  // kAny asks for the choice that preempts nothing.
  static constexpr std::uint32_t kAny = 0xffffffffu;
  std::uint32_t value = kAny;  // the thread (a thread choice) or the option (a value choice)
  bool thread = true;          // a thread choice, not a value choice
  bool preempts = false;       // as taken: a switch away from a thread that could have gone on
  std::uint32_t current = kAny;  // as taken: the thread that reached the decision (kAny: none)
  std::uint64_t step = 0;        // as taken: the decision's step
};

class GuideStrategy final : public Strategy {
 public:
  explicit GuideStrategy(std::vector<Choice> wishes) noexcept : wishes_(std::move(wishes)) {}
  // GuideStrategy(schedule) wishes for a recorded schedule's choices, read
  // with the bounds the execution meets: a replay that notes what it takes.
  explicit GuideStrategy(const Schedule& schedule) noexcept : schedule_(&schedule) {}

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;

  // taken is every choice the last execution made, in order.
  const std::vector<Choice>& taken() const noexcept { return taken_; }
  // preemptions counts the choices of taken() that preempt.
  std::uint64_t preemptions() const noexcept { return preemptions_; }

 private:
  // next_wish is the wished-for choice among `bound` options, kAny when
  // there is none or it was wished for a choice of the other kind.
  std::uint32_t next_wish(bool thread, std::uint32_t bound) noexcept;

  std::vector<Choice> wishes_;
  const Schedule* schedule_ = nullptr;
  std::optional<ScheduleReader> reader_;
  std::vector<Choice> taken_;
  std::size_t at_ = 0;
  std::uint64_t preemptions_ = 0;
};

}  // namespace weft::sched
