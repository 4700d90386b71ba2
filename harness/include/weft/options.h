#pragma once
// weft::Options and weft::Strategy: how an exploration runs.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weft {

// Strategy names a way of choosing interleavings.
//   random(): a uniform random walk over the runnable threads at every step.
//   pct(d):   probabilistic concurrency testing (Burckhardt et al., ASPLOS
//             2010): finds any bug of depth <= d with a known probability.
class Strategy {
 public:
  enum class Kind : std::uint8_t { Random, Pct };

  static Strategy random() noexcept { return Strategy(Kind::Random, 0); }
  // pct(0) is taken as pct(1).
  static Strategy pct(unsigned depth) noexcept { return Strategy(Kind::Pct, depth ? depth : 1); }

  // parse accepts "random", "pct" (depth 3) and "pct:N"; it throws
  // std::invalid_argument with the accepted forms on anything else.
  static Strategy parse(std::string_view text);

  Kind kind() const noexcept { return kind_; }
  unsigned depth() const noexcept { return depth_; }
  std::string to_string() const;

  friend bool operator==(const Strategy&, const Strategy&) = default;

 private:
  Strategy(Kind kind, unsigned depth) noexcept : kind_(kind), depth_(depth) {}
  Kind kind_;
  unsigned depth_;
};

// Options configures weft::explore. Setters chain; each getter has the
// setter's name. The defaults suit a unit test that should finish in well
// under a second.
class Options {
 public:
  // strategy: how interleavings are chosen (default: pct(3)).
  Options& strategy(Strategy s) noexcept { strategy_ = s; return *this; }
  Strategy strategy() const noexcept { return strategy_; }

  // iterations: how many executions to run at most (default 1000). 0 would
  // test nothing: explore reports it as Misuse without running the body.
  Options& iterations(std::uint64_t n) noexcept { iterations_ = n; return *this; }
  std::uint64_t iterations() const noexcept { return iterations_; }

  // seed: the same seed and options give the same executions (default 1).
  Options& seed(std::uint64_t s) noexcept { seed_ = s; return *this; }
  std::uint64_t seed() const noexcept { return seed_; }

  // max_steps: scheduling decisions one execution may take before it is
  // reported as a Hang (default 100000).
  Options& max_steps(std::uint64_t n) noexcept { max_steps_ = n; return *this; }
  std::uint64_t max_steps() const noexcept { return max_steps_; }

  // watchdog: seconds a weft thread may run without reaching any scheduling
  // point (code weft does not see: an uninstrumented busy loop, a blocking
  // system call, a real std::mutex locked twice) before the execution ends
  // as a Hang naming the thread, its last weft operation and its stack,
  // with the token of the schedule so far (default 10; 0: off; stretched
  // under valgrind). Environment: WEFT_WATCHDOG=seconds.
  Options& watchdog(unsigned seconds) noexcept { watchdog_ = seconds; return *this; }
  unsigned watchdog() const noexcept { return watchdog_; }

  // stack_size: bytes of stack per weft thread (default 256 KiB, at least
  // 16 KiB, at most kMaxStackSize: explore and replay report a larger one
  // as Misuse). Every stack has a guard page, so an overflow is reported,
  // not silent.
  Options& stack_size(std::size_t bytes) noexcept { stack_size_ = bytes; return *this; }
  std::size_t stack_size() const noexcept { return stack_size_; }

  // spurious_wakeups: let condition_variable waits return without a notify,
  // as an explored choice (default off).
  Options& spurious_wakeups(bool on) noexcept { spurious_wakeups_ = on; return *this; }
  bool spurious_wakeups() const noexcept { return spurious_wakeups_; }

  // spurious_failures: let compare_exchange_weak fail although the values
  // are equal, as an explored choice, as the standard allows (LL/SC
  // machines do): for weft::atomic and for std::atomic in instrumented code
  // (default on). A loop around it is unaffected; code that takes one
  // failure for a change of value is not.
  Options& spurious_failures(bool on) noexcept { spurious_failures_ = on; return *this; }
  bool spurious_failures() const noexcept { return spurious_failures_; }

  // race_detection: report unordered conflicting accesses to a weft::var
  // as DataRace, even when the execution's outcome looks right (default on).
  Options& race_detection(bool on) noexcept { race_detection_ = on; return *this; }
  bool race_detection() const noexcept { return race_detection_; }

  // lock_order: record, across all executions, which locks each thread held
  // while it took another, and report a cycle (locks taken in opposite
  // orders, with no common gate lock) as a potential deadlock even when no
  // explored schedule deadlocked: first by looking for a schedule that does
  // deadlock (a Deadlock), else as a LockOrderInversion (default on).
  Options& lock_order(bool on) noexcept { lock_order_ = on; return *this; }
  bool lock_order() const noexcept { return lock_order_; }

  // process_crashes: let each weft::process crash, as an explored choice:
  // when it starts, it is chosen whether it will (one in two) and at which
  // of its first 2048 scheduling points (log-uniformly: early points as
  // often as late ones); a crash ends it as kill() does, with exit status
  // `crashed` (default off). See docs/message-passing.md.
  Options& process_crashes(bool on) noexcept { process_crashes_ = on; return *this; }
  bool process_crashes() const noexcept { return process_crashes_; }

  // pipe_breaks: let each pipe break, as an explored choice: at one of its
  // first 128 operations (chosen as for process_crashes) both its ends
  // close, as a lost connection does (default off).
  Options& pipe_breaks(bool on) noexcept { pipe_breaks_ = on; return *this; }
  bool pipe_breaks() const noexcept { return pipe_breaks_; }

  // queue_put_failures: let a put (or put_for) that finds its bounded queue
  // full fail at once with channel_status::full, as an explored choice
  // (default off).
  Options& queue_put_failures(bool on) noexcept { queue_put_failures_ = on; return *this; }
  bool queue_put_failures() const noexcept { return queue_put_failures_; }

  // max_faults: at most this many injected faults per execution, of all
  // kinds together (default 1), so that a supervisor that restarts a
  // crashed worker is not asked to survive endless crashes.
  Options& max_faults(std::uint32_t n) noexcept { max_faults_ = n; return *this; }
  std::uint32_t max_faults() const noexcept { return max_faults_; }

  // trace_steps: how many trailing steps of the failing execution a
  // Failure keeps and its report shows (0: all; default 50).
  Options& trace_steps(std::size_t n) noexcept { trace_steps_ = n; return *this; }
  std::size_t trace_steps() const noexcept { return trace_steps_; }

  // record_every_execution: record each execution's events as it runs
  // (default off). Off, an exploration records only schedules, and runs a
  // failing execution again along its schedule to record its trace: the
  // same report, far cheaper. On is for a body that depends on something
  // weft does not control, whose report then says it has no trace.
  Options& record_every_execution(bool on) noexcept { record_every_execution_ = on; return *this; }
  bool record_every_execution() const noexcept { return record_every_execution_; }

  // from_environment returns a copy overridden by WEFT_SEED, WEFT_ITERATIONS,
  // WEFT_STRATEGY, WEFT_MAX_STEPS and WEFT_TRACE_STEPS where set. A value it
  // cannot parse, and WEFT_ITERATIONS=0 (which would test nothing), throw
  // std::invalid_argument naming the variable.
  Options from_environment() const;

  // kMaxStackSize is the largest stack_size explore and replay accept (1 GiB).
  static constexpr std::size_t kMaxStackSize = std::size_t{1} << 30;

 private:
  Strategy strategy_ = Strategy::pct(3);
  std::uint64_t iterations_ = 1000;
  std::uint64_t seed_ = 1;
  std::uint64_t max_steps_ = 100000;
  unsigned watchdog_ = 10;
  std::size_t stack_size_ = 256 * 1024;
  bool spurious_wakeups_ = false;
  bool spurious_failures_ = true;
  bool race_detection_ = true;
  bool lock_order_ = true;
  bool process_crashes_ = false;
  bool pipe_breaks_ = false;
  bool queue_put_failures_ = false;
  std::uint32_t max_faults_ = 1;
  std::size_t trace_steps_ = 50;
  bool record_every_execution_ = false;
};

}  // namespace weft
