#pragma once
// weft::Options and weft::Strategy: how an exploration runs.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace weft {

// Strategy names a way of choosing interleavings (docs/strategies.md says
// when each one wins).
//   random(): a uniform random walk over the runnable threads at every step.
//   pct(d):   probabilistic concurrency testing (Burckhardt et al., ASPLOS
//             2010): finds any bug of depth <= d with a known probability.
//   dpor():   exhaustive search with optimal dynamic partial-order reduction
//             (docs/exhaustive-search.md): every execution up to equivalence, once.
//   pos():    partial order sampling (Yuan et al., CAV 2018).
//   surw():   selectively uniform random walk (Zhao et al., ASPLOS 2025).
//   rff():    reads-from fuzzing (Wolff et al., ASPLOS 2024).
//   portfolio(): random, pct(3), pos, surw and rff taking turns.
class Strategy {
 public:
  enum class Kind : std::uint8_t {
    Random,
    Pct,
    Dpor,
    // The randomized strategies of issue 12.
    Pos,
    Surw,
    Rff,
    Portfolio,
  };

  static Strategy random() noexcept { return Strategy(Kind::Random, 0); }
  // pct(0) is taken as pct(1).
  static Strategy pct(unsigned depth) noexcept { return Strategy(Kind::Pct, depth ? depth : 1); }
  // dpor explores every execution of the body once up to the reordering of
  // independent operations: a passing exploration that exhausts it is a
  // proof within its bounds (Report::exhausted).
  static Strategy dpor() noexcept { return Strategy(Kind::Dpor, 0); }
  // exhaustive: the strategy searches the whole space instead of sampling it.
  bool exhaustive() const noexcept { return kind_ == Kind::Dpor; }

  // pos: every thread's next operation has a random priority, the highest
  // runs, and only operations that conflict with it get new ones.
  static Strategy pos() noexcept { return Strategy(Kind::Pos, 0); }
  // surw: threads drawn with weights that make the interleavings of the
  // operations on shared objects uniform.
  static Strategy surw() noexcept { return Strategy(Kind::Surw, 0); }
  // rff: reads-from fuzzing, a corpus of reads-from constraints mutated
  // towards pairs no execution showed yet.
  static Strategy rff() noexcept { return Strategy(Kind::Rff, 0); }
  // portfolio: random, pct(3), pos, surw and rff, one execution each in turn.
  static Strategy portfolio() noexcept { return Strategy(Kind::Portfolio, 0); }

  // parse accepts "random", "pct" (depth 3), "pct:N", "dpor", "pos", "surw",
  // "rff" and "portfolio"; it throws std::invalid_argument with the accepted forms
  // on anything else.
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

// Progress says when an exploration shows a live progress line on standard
// error (executions, executions per second, failures). Auto: when it runs
// longer than about a second, standard error is a terminal, and the test is
// not run by CTest. On: whenever it runs longer than about a second. Off:
// never.
enum class Progress : std::uint8_t { Auto, On, Off };

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

  // stream_pieces: how many pieces one write to a stream descriptor made
  // under weft::interpose (a SOCK_STREAM socketpair, a pipe beyond
  // PIPE_BUF) may be split into, at explored points, so that a reader sees
  // it short (default 2; 1 or 0: never split by a choice). More pieces find
  // more parsing bugs and make more executions. See docs/descriptors.md.
  Options& stream_pieces(std::uint32_t n) noexcept { stream_pieces_ = n; return *this; }
  std::uint32_t stream_pieces() const noexcept { return stream_pieces_; }

  // trace_steps: how many trailing steps of the failing execution a
  // Failure keeps and its report shows (0: all; default 50).
  Options& trace_steps(std::size_t n) noexcept { trace_steps_ = n; return *this; }
  std::size_t trace_steps() const noexcept { return trace_steps_; }

  // preemption_bound: explore every schedule with at most `k` preemptions
  // (a switch away from a thread that could have gone on), level by level
  // as CHESS's iterative context bounding does: all schedules with 0, then
  // with 1, ... then with k. Needs an exhaustive strategy (Strategy::dpor());
  // within the bound it enumerates schedules without partial-order
  // reduction, which would miss some of them (docs/exhaustive-search.md).
  Options& preemption_bound(std::uint32_t k) noexcept { preemption_bound_ = k; return *this; }
  std::optional<std::uint32_t> preemption_bound() const noexcept { return preemption_bound_; }

  // time_limit: stop exploring once this much wall time has passed, or at
  // the end of the space, whichever comes first, for every strategy (no
  // limit by default; iterations stays the cap on executions). A limit of
  // zero would run nothing: explore reports it as Misuse.
  template <class Rep, class Period>
  Options& time_limit(std::chrono::duration<Rep, Period> limit) noexcept {
    time_limit_ = std::chrono::duration_cast<std::chrono::nanoseconds>(limit);
    return *this;
  }
  std::optional<std::chrono::nanoseconds> time_limit() const noexcept { return time_limit_; }

  // shard: run part `index` of an exploration split into `count` parts, one
  // per CI shard (default 0 of 1). Random strategies take disjoint streams
  // of executions; an exhaustive search takes disjoint subtrees, and the
  // parts' executions add up to the whole exploration's. An index not
  // below the count is reported as Misuse. The GoogleTest and Bazel
  // sharding variables set it (docs/writing-tests.md#ci-shards).
  Options& shard(std::uint32_t index, std::uint32_t count) noexcept {
    shard_index_ = index;
    shard_count_ = count;
    return *this;
  }
  std::uint32_t shard_index() const noexcept { return shard_index_; }
  std::uint32_t shard_count() const noexcept { return shard_count_; }

  // checkpoint: save the progress of an exhaustive exploration in `file`
  // under `key` (the test's name: one file holds several explorations) as it
  // runs, and resume from it when it is there (WEFT_CHECKPOINT). An empty
  // file name turns it off (the default).
  Options& checkpoint(std::string file, std::string key = {}) {
    checkpoint_ = std::move(file);
    checkpoint_key_ = std::move(key);
    return *this;
  }
  const std::string& checkpoint() const noexcept { return checkpoint_; }
  const std::string& checkpoint_key() const noexcept { return checkpoint_key_; }
  // shrink: once a failure is found, look for a simpler schedule that fails
  // the same way (fewest preemptions, then fewest steps) and report that one,
  // with the token of the schedule as found beside it (default on). See
  // docs/reading-a-report.md#shrinking.
  Options& shrink(bool on) noexcept { shrink_ = on; return *this; }
  bool shrink() const noexcept { return shrink_; }

  // shrink_executions: how many executions shrinking may run at most
  // (default 5000: the samples' hardest, three_lock_inversion, needs about
  // 3,500; the time limit bounds slow bodies).
  Options& shrink_executions(std::uint64_t n) noexcept { shrink_executions_ = n; return *this; }
  std::uint64_t shrink_executions() const noexcept { return shrink_executions_; }

  // shrink_milliseconds: wall-clock time after which shrinking stops and
  // reports the simplest schedule found so far (default 10000: far above
  // what the samples need, so that a busy machine does not cut shrinking
  // short and change the report; 0: no limit). With a limit the result can
  // depend on the machine's speed; set 0 where the same shrunk token must
  // come out everywhere.
  Options& shrink_milliseconds(std::uint64_t ms) noexcept { shrink_milliseconds_ = ms; return *this; }
  std::uint64_t shrink_milliseconds() const noexcept { return shrink_milliseconds_; }
  // regressions: keep this test's failures in a regression file in
  // directory `dir`, one file per test named after `name` (the test's full
  // name; WEFT_TEST and program tests fill it in when it is empty), and
  // replay the file's entries before exploring, so that a bug found once
  // fails at once, deterministically, when it comes back (WEFT_REGRESSIONS).
  // An entry whose token no longer fits is re-derived by running again the
  // search that found it, or reported stale. An empty directory turns it off
  // (the default). See docs/replaying.md#regression-files.
  Options& regressions(std::string dir, std::string name = {}) {
    regressions_ = std::move(dir);
    regressions_name_ = std::move(name);
    return *this;
  }
  const std::string& regressions() const noexcept { return regressions_; }
  const std::string& regressions_name() const noexcept { return regressions_name_; }

  // regressions_strict: fail the test when its regression file has stale
  // entries, failures that neither their token nor their search finds any
  // more (default off; WEFT_REGRESSIONS_STRICT=1).
  Options& regressions_strict(bool on) noexcept { regressions_strict_ = on; return *this; }
  bool regressions_strict() const noexcept { return regressions_strict_; }

  // progress: when to show a live progress line (default Auto; see
  // Progress).
  Options& progress(Progress p) noexcept { progress_ = p; return *this; }
  Progress progress() const noexcept { return progress_; }

  // record_every_execution: record each execution's events as it runs
  // (default off). Off, an exploration records only schedules, and runs a
  // failing execution again along its schedule to record its trace: the
  // same report, far cheaper. On is for a body that depends on something
  // weft does not control, whose report then says it has no trace.
  Options& record_every_execution(bool on) noexcept { record_every_execution_ = on; return *this; }
  bool record_every_execution() const noexcept { return record_every_execution_; }

  // break_at: a replay stops at this step, before it runs, on the stack of
  // the thread about to take it: in the debugger when one is attached,
  // else it says so on stderr and goes on (0, the default: nowhere). The
  // steps are those of the report's trace. Only for weft::replay: explore
  // refuses it as Misuse. See docs/replaying.md#debugging-a-replay.
  Options& break_at(std::uint64_t step) noexcept { break_at_ = step; return *this; }
  std::uint64_t break_at() const noexcept { return break_at_; }

  // trace_file: write the failing execution the report shows (the shrunk
  // one, when shrinking found a simpler schedule) as a timeline in Chrome
  // trace-event JSON, which the Perfetto UI and chrome://tracing open, to
  // `path` (WEFT_TRACE_FILE); Report::timeline says where it went. `key`
  // names the test (the GoogleTest adapter gives "Suite.Test"; empty:
  // "weft"). So that several failing tests never overwrite each other's
  // file: "%t" in `path` stands for the key, a path that ends with '/' or
  // names a directory gets "<key>.json" in it, and a path this process
  // wrote already gets "-2", "-3", ... before its extension. An empty path
  // writes nothing (the default). See docs/reading-a-report.md#timeline.
  Options& trace_file(std::string path, std::string key = {}) {
    trace_file_ = std::move(path);
    trace_file_key_ = std::move(key);
    return *this;
  }
  const std::string& trace_file() const noexcept { return trace_file_; }
  const std::string& trace_file_key() const noexcept { return trace_file_key_; }

  // from_environment returns a copy overridden by WEFT_SEED, WEFT_ITERATIONS,
  // WEFT_STRATEGY, WEFT_MAX_STEPS, WEFT_TRACE_STEPS, WEFT_SHRINK (0 or 1),
  // WEFT_PROGRESS (1: On, 0: Off, auto), WEFT_BREAK, WEFT_PREEMPTION_BOUND, WEFT_TIME_LIMIT (seconds),
  // WEFT_CHECKPOINT, WEFT_TRACE_FILE (the key is kept), WEFT_REGRESSIONS (a directory),
  // WEFT_REGRESSIONS_STRICT (0 or 1) and
  // the shard variables (WEFT_SHARD_INDEX and WEFT_TOTAL_SHARDS, else
  // GoogleTest's GTEST_SHARD_INDEX and GTEST_TOTAL_SHARDS, else Bazel's
  // TEST_SHARD_INDEX and TEST_TOTAL_SHARDS) where set. A value it cannot
  // parse, a setting that would test nothing (WEFT_ITERATIONS=0,
  // WEFT_TIME_LIMIT=0) and a shard index out of range throw
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
  std::uint32_t stream_pieces_ = 2;
  std::size_t trace_steps_ = 50;
  std::optional<std::uint32_t> preemption_bound_;
  std::optional<std::chrono::nanoseconds> time_limit_;
  std::uint32_t shard_index_ = 0;
  std::uint32_t shard_count_ = 1;
  std::string checkpoint_;
  std::string checkpoint_key_;
  bool shrink_ = true;
  std::uint64_t shrink_executions_ = 5000;
  std::uint64_t shrink_milliseconds_ = 10000;
  std::string regressions_;
  std::string regressions_name_;
  bool regressions_strict_ = false;
  Progress progress_ = Progress::Auto;
  bool record_every_execution_ = false;
  std::uint64_t break_at_ = 0;
  std::string trace_file_;
  std::string trace_file_key_;
};

}  // namespace weft
