#pragma once
// RffStrategy: reads-from fuzzing (Wolff, Shi, Duck, Mathur, Roychoudhury,
// "Greybox Fuzzing for Concurrency Testing", ASPLOS 2024).
//
// Two schedules in which every read reads from the same write behave alike,
// so RFF searches over reads-from relations instead of interleavings. An
// abstract schedule is a few constraints "the read at site r reads from the
// write at site w" (or does not); a site is a call site and an object kind
// (rff_corpus.h), so the same code run by many threads is one site. Each
// execution runs a mutation of an abstract schedule from the corpus (insert,
// delete, negate or swap a constraint); if it shows a reads-from pair no
// execution showed before, its abstract schedule joins the corpus.
//
// Scheduling an abstract schedule: each runnable thread scores +1 for every
// constraint its pending operation helps and -1 for each it would break,
// and the best score runs, ties broken by POS priorities (pos_strategy.h).
// For "w -> r": r is held back until the last write to its object is w and
// run as soon as it is; w is run when it can; other writes to the object
// are held back while w's value waits for r. For "w -/-> r": r is held back
// while the last write is w. A constraint is met once r reads from w; a
// thread held back still runs when no other can, and after kMaxSteers
// steered decisions an execution is plain POS, so a constraint that cannot
// be met (a spin loop waiting for the held-back thread) costs steps, never a
// Hang.
//
// Mutations aim at pairs never seen (rff_corpus.cpp). The strategy learns
// which write each read read from from the execution's events, through its
// observer(): its executions record their events.

#include <cstdint>
#include <unordered_set>
#include <vector>

#include "scheduler/observer.h"
#include "scheduler/pos_strategy.h"
#include "scheduler/rff_corpus.h"
#include "scheduler/rng.h"
#include "scheduler/strategy.h"

namespace weft::sched {

class Execution;

class RffStrategy final : public Strategy {
 public:
  static constexpr std::uint64_t kMaxSteers = 4096;

  RffStrategy(const Execution& execution, std::uint64_t seed) noexcept : x_(execution), seed_(seed), events_(*this) {}
  RffStrategy(const RffStrategy&) = delete;
  RffStrategy& operator=(const RffStrategy&) = delete;

  void begin(std::uint64_t index) override;
  ThreadId pick_thread(const Decision& decision) override;
  std::uint32_t pick_value(std::uint32_t bound, std::uint64_t step) override;
  void on_spawn(ThreadId id) override { priorities_.fresh(id, rng_); }
  void end(std::uint64_t steps) override;
  Observer* observer() noexcept override { return &events_; }

  // corpus_size: abstract schedules kept so far (for tests).
  std::size_t corpus_size() const noexcept { return corpus_.size(); }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Active {
    Constraint constraint;
    bool met = false;
  };
  // Events is the observer that shows the strategy the events of its own
  // executions (a member rather than a base: Observer's begin and end
  // would overload Strategy's).
  class Events final : public Observer {
   public:
    explicit Events(RffStrategy& owner) noexcept : owner_(owner) {}
    bool wants_events() const override { return owner_.running_; }
    void on_event(Execution&, const Event& event) override { owner_.saw(event); }

   private:
    RffStrategy& owner_;
  };

  // saw learns from one event of this strategy's execution.
  void saw(const Event& event);

  // Touches: the sites that read and wrote one object in this execution.
  struct Touches {
    std::vector<std::uint32_t> reads;
    std::vector<std::uint32_t> writes;
    std::uint32_t last = kNone;  // the site of the last write, kNone: the initial value
  };

  bool followed(ObjectKind k) const noexcept;
  Touches& touches(ObjectRef o);
  std::uint32_t last_write(ObjectRef o);
  int score(ThreadId t);

  const Execution& x_;
  std::uint64_t seed_;
  Rng rng_;
  PosPriorities priorities_;
  SiteTable sites_;
  Corpus corpus_;
  // This execution.
  bool running_ = false;
  std::vector<Active> schedule_;
  std::unordered_set<std::uint64_t> pairs_;
  std::vector<Touches> touches_[16];  // by object kind and index
  std::uint64_t steers_ = 0;
  Events events_;
};

}  // namespace weft::sched
