#pragma once
// PortfolioStrategy: several strategies taking turns, one execution each,
// in a fixed rotation. Each keeps what it learns from its own executions
// (PCT its k, SURW its counts, RFF its corpus). No single strategy wins on
// every bug (docs/strategies.md); a portfolio spends its executions on all
// of them, so it finds what any member finds, within the number of members
// times that member's executions.

#include <memory>
#include <vector>

#include "scheduler/strategy.h"

namespace weft::sched {

class PortfolioStrategy final : public Strategy {
 public:
  // members take turns in this order; at least one.
  explicit PortfolioStrategy(std::vector<std::unique_ptr<Strategy>> members) : members_(std::move(members)) {}

  void begin(std::uint64_t index) override {
    current_ = members_[index % members_.size()].get();
    current_->begin(index);
  }
  ThreadId pick_thread(const Decision& decision) override { return current_->pick_thread(decision); }
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override {
    return current_->pick_value(bound, step);
  }
  void on_spawn(ThreadId id) override { current_->on_spawn(id); }
  void end(std::uint64_t steps) override { current_->end(steps); }
  // observer is the one member's that has an observer (each ignores the
  // executions it did not begin).
  Observer* observer() noexcept override {
    for (auto& m : members_)
      if (Observer* o = m->observer()) return o;
    return nullptr;
  }

 private:
  std::vector<std::unique_ptr<Strategy>> members_;
  Strategy* current_ = nullptr;
};

}  // namespace weft::sched
