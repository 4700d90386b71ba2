#pragma once
// SteerStrategy: another strategy, except that threads a predicate says to
// delay are passed over while some runnable thread is not delayed. Used to
// drive an execution towards a suspected bug (a lock-order cycle: hold back
// each thread about to take the second lock of a cycle edge until the
// others have taken their first). It only narrows choices among runnable
// threads, so every schedule it makes is a legal one and replays as such.
//
// A delay can starve a thread that others wait for by spinning, so at most
// `max_delays` decisions of an execution are steered; after that the base
// strategy chooses alone.

#include <cstdint>
#include <functional>
#include <vector>

#include "scheduler/strategy.h"

namespace weft::sched {

class SteerStrategy final : public Strategy {
 public:
  // delay(t): should runnable thread t wait while others can run?
  using Delay = std::function<bool(ThreadId)>;

  SteerStrategy(Strategy& base, Delay delay, std::uint64_t max_delays)
      : base_(base), delay_(std::move(delay)), max_delays_(max_delays) {}

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override { return base_.pick_value(bound, step); }
  void on_spawn(ThreadId id) override { base_.on_spawn(id); }
  void end(std::uint64_t steps) override { base_.end(steps); }

 private:
  Strategy& base_;
  Delay delay_;
  std::uint64_t max_delays_;
  std::uint64_t delays_ = 0;        // steered decisions in this execution
  std::vector<ThreadId> allowed_;   // scratch: the runnable threads not delayed
};

}  // namespace weft::sched
