// weft::explore and weft::replay: the loop over executions.

#include "weft/explore.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>

#include "checkers/escape_checker.h"
#include "checkpoint.h"
#include "checkers/lock_order.h"
#include "checkers/checks.h"
#include "checkers/race_detector.h"
#include "checkers/tsan_bridge.h"
#include "checkers/tsan_report.h"
#include "crash_handler.h"
#include "divergence.h"
#include "execution_lease.h"
#include "entry_checks.h"
#include "failure_builder.h"
#include "foreign_use.h"
#include "interposition_hook.h"
#include "search_driver.h"
#include "scheduler/debug_registry.h"
#include "scheduler/dfs_strategy.h"
#include "scheduler/dpor_strategy.h"
#include "make_strategy.h"
#include "progress_line.h"
#include "regressions.h"
#include "scheduler/execution.h"
#include "scheduler/random_strategy.h"
#include "scheduler/replay_strategy.h"
#include "scheduler/rng.h"
#include "scheduler/schedule.h"
#include "scheduler/steer_strategy.h"
#include "tested_line.h"
#include "shrink.h"
#include "source_lines.h"
#include "timeline.h"
#include "token_file.h"
#include "watchdog.h"

namespace weft {

using detail::ExecutionLease;

namespace {
sched::ThreadBody body_of(const std::function<void()>& body) {
  sched::ThreadBody b;
  b.run = [](void* p) { (*static_cast<const std::function<void()>*>(p))(); };
  b.arg = const_cast<std::function<void()>*>(&body);
  return b;
}

// make_search is the exhaustive search the options ask for, or null.
std::unique_ptr<sched::Search> make_search(const Options& o, const sched::Execution& execution) {
  if (!o.strategy().exhaustive()) return nullptr;
  if (o.preemption_bound())
    return std::make_unique<sched::DfsStrategy>(o.preemption_bound(), o.shard_index(), o.shard_count());
  return std::make_unique<sched::DporStrategy>(execution, o.shard_index(), o.shard_count());
}

// failed_before_running is the report of a failure found before any
// execution ran (Failure::execution 0).
Report failed_before_running(Failure f) {
  Report r;
  r.failure = std::move(f);
  return r;
}

Report replay_error(std::string message) {
  Failure f;
  f.kind = FailureKind::ReplayError;
  f.message = std::move(message);
  return failed_before_running(std::move(f));
}

// count_outcome adds an execution that did not fail to the report's tallies.
void count_outcome(const sched::Execution& execution, Report& report) {
  if (execution.outcome() == sched::Outcome::Discarded) ++report.discarded;
  if (execution.endless()) ++report.endless;
  if (execution.outcome() == sched::Outcome::Stopped && execution.cut_short()) ++report.stopped;
}

// TimelineRun makes the next execution of `execution` (one that records)
// keep what its timeline needs, when the options ask for one: every event,
// and the recorder's notes.
class TimelineRun {
 public:
  TimelineRun(sched::Execution& execution, const Options& options)
      : execution_(execution), options_(options), wanted_(!options.trace_file().empty()) {
    if (!wanted_) return;
    execution_.tap(&recorder_);
    execution_.keep_events(0);
  }
  TimelineRun(const TimelineRun&) = delete;
  TimelineRun& operator=(const TimelineRun&) = delete;
  ~TimelineRun() { stop(); }

  // write writes the timeline of the execution that ran, if it failed as
  // `expected` says, and returns what Report::timeline says.
  std::string write(bool expected) {
    stop();
    if (!wanted_) return "";
    if (!expected)
      return "not written: running this execution again to record it did not fail the same way";
    const std::string path = detail::timeline_path(options_.trace_file(), options_.trace_file_key());
    const std::string error = detail::write_timeline(execution_, recorder_, path);
    return error.empty() ? path : "not written: " + error;
  }

 private:
  void stop() {
    if (!wanted_ || stopped_) return;
    stopped_ = true;
    execution_.untap(&recorder_);
    execution_.keep_events(options_.trace_steps());
  }

  sched::Execution& execution_;
  const Options& options_;
  const bool wanted_;
  bool stopped_ = false;
  detail::TimelineRecorder recorder_;
};

// failure_of is the report of the failed execution number `index` that
// just ran. An execution that did not record its events is run again along
// its schedule, recording them, so that its report (trace, and what the
// checkers say with them, such as the lock sets of a race) is the one a
// recording exploration would have given. If the re-run does not fail the
// same way (the body depends on something weft does not control), the
// report is built from what the first run knew, without a trace. With
// Options::trace_file the re-run is made even after a recording run (its
// log is bounded, and the timeline needs the recorder's notes), and
// `timeline` (when not null) gets where the timeline went.
Failure failure_of(sched::Execution& execution, const sched::Config& config, std::uint64_t index,
                   const std::function<void()>& body, const Options& options, std::string* timeline = nullptr) {
  const bool recorded = execution.recording();
  if (recorded && (!timeline || options.trace_file().empty()))
    return detail::build_failure(execution, index, options.trace_steps());
  const Failure first = detail::build_failure(execution, index, options.trace_steps());
  const sched::FailureRecord found = *execution.failure();
  const sched::Schedule schedule = execution.schedule();
  sched::ReplayStrategy replay(schedule);
  std::optional<TimelineRun> run_timeline;
  if (timeline) run_timeline.emplace(execution, options);
  execution.record_events(true);
  execution.run(replay, config, index, body_of(body));
  execution.record_events(options.record_every_execution());
  const sched::FailureRecord* again = execution.failure();
  const bool same = again && again->verdict == found.verdict && again->step == found.step && replay.finished();
  if (run_timeline) *timeline = run_timeline->write(same);
  if (same) return detail::build_failure(execution, index, options.trace_steps());
  if (recorded) return first;
  Failure f = first;
  f.message += "\n(no trace: running this execution again to record it did not fail the same way, so the body "
               "depends on something weft does not control; Options::record_every_execution(true) keeps the trace of "
               "the first run)";
  return f;
}

// kConfirmBudget bounds the executions spent confirming a lock-order cycle.
constexpr std::uint64_t kConfirmBudget = 2000;
// kMaxSteers bounds the steered decisions of one confirming execution.
constexpr std::uint64_t kMaxSteers = 1000;

// waits_for_locks: did the deadlock leave two threads or more waiting for locks?
bool waits_for_locks(const sched::FailureRecord& deadlock) {
  const auto on_lock = [](const sched::ThreadView& v) {
    return v.state == sched::ThreadView::State::Blocked &&
           (v.object.kind == sched::ObjectKind::Mutex || v.object.kind == sched::ObjectKind::SharedMutex);
  };
  return std::count_if(deadlock.threads.begin(), deadlock.threads.end(), on_lock) >= 2;
}

// confirm_lock_order runs up to min(kConfirmBudget, iterations) further
// executions, numbered on from the exploration's, steered towards `cycle`:
// a thread about to take the second lock of one of its edges while holding
// the first waits while another thread can run. The first Deadlock ends it
// (said to confirm the cycle when two threads or more wait for locks);
// other failures are passed over, since steering starves threads (a spin
// loop may hang). Returns the Deadlock, or a LockOrderInversion naming the
// cycle, which no single schedule shows and so has no token.
Failure confirm_lock_order(sched::Execution& execution, const checkers::Checks& checks,
                           const checkers::LockCycle& cycle, const sched::Config& config,
                           const std::function<void()>& body, const Options& options, Report& report) {
  sched::RandomStrategy base(sched::splitmix64(options.seed() ^ 0x6c6f636b6f726472u));
  sched::SteerStrategy steer(
      base,
      [&](sched::ThreadId t) {
        return checkers::LockOrderGraph::closes_edge(cycle, execution.pending_op(t), execution.pending_object(t),
                                                     checks.held().of(t));
      },
      kMaxSteers);
  const std::uint64_t budget = std::min(kConfirmBudget, options.iterations());
  const std::uint64_t first = report.executions;
  for (std::uint64_t i = first; i < first + budget; ++i) {
    execution.run(steer, config, i, body_of(body));
    report.executions = i + 1;
    count_outcome(execution, report);
    const sched::FailureRecord* found = execution.failure();
    if (found && found->verdict == sched::Verdict::Deadlock) {
      Failure f = failure_of(execution, config, i, body, options, &report.timeline);
      f.message = (waits_for_locks(*found) ? "confirmed lock-order inversion: "
                                           : "found while confirming a lock-order inversion: ") +
                  f.message;
      return f;
    }
  }
  Failure f;
  f.kind = FailureKind::LockOrderInversion;
  f.message = "lock-order inversion: " +
              checkers::describe_cycle(cycle, ", a potential deadlock not confirmed in " + std::to_string(budget) +
                                                  " further executions steered towards it (no schedule "
                                                  "deadlocked, so there is no replay token)");
  f.execution = cycle.execution;
  f.trace_tail = options.trace_steps();
  return f;
}

// watch_with_tsan lets ThreadSanitizer, when the executable has it, see
// weft's fibers' happens-before and report into weft.
void watch_with_tsan(sched::Execution& execution, checkers::TsanBridge& bridge) {
  if (!checkers::TsanBridge::active()) return;
  checkers::tsan_report::start_symbolizer();
  execution.observe(&bridge);
  execution.tap(&bridge);
}

// Watchers are the observers of every execution of explore and replay, in
// the order they see each event; the lock-order graph is explore's alone.
class Watchers {
 public:
  Watchers(sched::Execution& execution, const sched::Config& config, checkers::LockOrderGraph* lock_order)
      : checks_(config.race_detection ? &races_ : nullptr, lock_order) {
    execution.set_client(&checks_);
    execution.observe(&checks_);
    watch_with_tsan(execution, tsan_);
    execution.observe(&escapes_);
    if (interposition_) execution.observe(interposition_.get());
    execution.observe(&foreign_);
  }
  Watchers(const Watchers&) = delete;
  Watchers& operator=(const Watchers&) = delete;

  const checkers::Checks& checks() const noexcept { return checks_; }

 private:
  checkers::RaceDetector races_;
  checkers::Checks checks_;
  checkers::TsanBridge tsan_;
  checkers::EscapeChecker escapes_;
  const std::unique_ptr<sched::Observer> interposition_ = detail::interposition_observer();
  detail::ForeignUseWatch foreign_;
};

sched::Config config_of(const Options& o) {
  sched::Config c{o.max_steps(), o.spurious_wakeups(), o.race_detection()};
  c.process_crashes = o.process_crashes();
  c.pipe_breaks = o.pipe_breaks();
  c.queue_put_failures = o.queue_put_failures();
  c.max_faults = o.max_faults();
  c.spurious_failures = o.spurious_failures();
  c.stream_pieces = std::max<std::uint32_t>(o.stream_pieces(), 1);
  return c;
}

// nothing_controlled is the failure of an exploration whose body never
// reached a scheduling point nor made a choice: every execution was the same
// single run, and weft tested nothing concurrent.
Failure nothing_controlled(std::uint64_t executions) {
  Failure f;
  f.kind = FailureKind::Misuse;
  f.message = "the body made no operation weft controls in any of its " + std::to_string(executions) +
              " executions, so they were all the same run and weft tested nothing: use weft's primitives, or "
              "link the test executable with weft::interpose to put std::thread, std::mutex and pthreads "
              "under weft (docs/interposition.md)";
  f.execution = executions;
  return f;
}

// all_discarded is the failure of an exploration in which every execution
// was discarded by a failed assumption: nothing after the assumptions ran.
Failure all_discarded(std::uint64_t executions) {
  Failure f;
  f.kind = FailureKind::Misuse;
  f.message = "every one of the " + std::to_string(executions) +
              " executions was discarded by a failed assumption (__VERIFIER_assume), so weft checked nothing "
              "after it: no choice of values and threads it made satisfied the assumptions";
  f.execution = executions;
  return f;
}

// grouped writes 1234567 as "1,234,567".
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

detail::ShrinkLimits shrink_limits(const Options& o) {
  return detail::ShrinkLimits{o.shrink_executions(), std::chrono::milliseconds(o.shrink_milliseconds())};
}

// failed_execution is the report of the failed execution number `index`
// that just ran, shrunk first when the options ask for it.
Failure failed_execution(sched::Execution& execution, const sched::Config& config, std::uint64_t index,
                         const std::function<void()>& body, const Options& options, Report& report) {
  std::optional<detail::Shrunk> shrunk;
  if (options.shrink()) shrunk = detail::shrink(execution, config, index, body_of(body), shrink_limits(options));
  Failure failure = failure_of(execution, config, index, body, options, &report.timeline);
  if (shrunk) {
    report.shrinking = shrunk->summary;
    report.shrinking->cause = detail::cause_text(*shrunk, failure);
  }
  return failure;
}

std::string describe(sched::Verdict v, std::uint64_t step) {
  return std::string(to_string(static_cast<FailureKind>(v))) + " at step " + std::to_string(step);
}
}  // namespace

std::ostream& operator<<(std::ostream& out, const Report& report) {
  if (!report.ok()) {
    out << *report.failure;
    if (report.shrinking) out << shrinking_text(*report.shrinking);
    out << timeline_text(report);
    if (report.regressions) out << regressions_text(*report.regressions);
    return out;
  }
  if (report.regressions) out << regressions_text(*report.regressions);
  if (report.exhausted()) {
    out << "weft: all " << grouped(report.executions) << " executions explored, none failed (" << report.space;
    if (report.redundant > 0) out << "; " << grouped(report.redundant) << " redundant runs";
    return out << ")\n";
  }
  out << "weft: no failure in " << grouped(report.executions) << " executions";
  if (!report.not_searched.empty())
    out << ", but not all of " << (report.space.empty() ? "them" : report.space) << ": " << report.not_searched;
  return out << "\n";
}

std::string timeline_text(const Report& report) {
  return report.timeline.empty() ? std::string() : "timeline: " + report.timeline + "\n";
}

std::string shrinking_text(const Shrinking& s) {
  const auto counts = [](std::uint64_t preemptions, std::uint64_t steps) {
    return std::to_string(preemptions) + (preemptions == 1 ? " preemption, " : " preemptions, ") +
           std::to_string(steps) + " steps";
  };
  std::string out = "shrunk from " + counts(s.original_preemptions, s.original_steps) + " to " +
                    counts(s.preemptions, s.steps) + " in " + std::to_string(s.executions) + " executions" +
                    (s.cut_short ? " (stopped by Options::shrink_executions or shrink_milliseconds)" : "") + "\n";
  if (!s.cause.empty()) out += "cause: " + s.cause + "\n";
  return out + "token as found: " + s.original_token + "\n";
}

Report explore(const std::function<void()>& body, const Options& options) {
  if (std::optional<Failure> f = detail::nested_call("weft::explore")) return failed_before_running(std::move(*f));
  if (std::optional<Failure> f = detail::unusable_options(options, true)) return failed_before_running(std::move(*f));
  if (!options.regressions().empty()) return detail::explore_with_regressions(body, options);
  ExecutionLease lease(options.stack_size());
  sched::Execution& execution = lease.execution();
  const std::unique_ptr<sched::Search> search = make_search(options, execution);
  const std::unique_ptr<sched::Strategy> sampler = search ? nullptr : detail::make_strategy(options, execution);
  if (sampler)
    if (sched::Observer* o = sampler->observer()) execution.observe(o);
  // The partial-order reduction learns what each operation touched from
  // the events the execution records as it goes.
  if (auto* dpor = dynamic_cast<sched::DporStrategy*>(search.get())) {
    execution.tap(dpor);
    execution.track_identities(true);
  }
  const sched::Config config = config_of(options);
  execution.keep_events(options.trace_steps());
  execution.record_events(options.record_every_execution());
  checkers::LockOrderGraph lock_order;
  const Watchers watchers(execution, config, options.lock_order() ? &lock_order : nullptr);
  detail::open_line_tables();
  detail::CrashGuard crash_guard(options.trace_steps());
  const detail::Watchdog watchdog(execution, options.watchdog());
  Report report;
  report.race_detection = config.race_detection;
  detail::ScheduleTally tally;
  bool controlled = false;
  detail::ProgressLine progress(detail::progress_shown(options.progress()), std::cerr,
                                [] { return std::chrono::steady_clock::now(); });
  if (search) {
    detail::SearchDriver driver(*search, options, report);
    if (std::optional<Failure> f = driver.start()) return failed_before_running(std::move(*f));
    while (driver.more()) {
      execution.run(*search, config, driver.index(), body_of(body));
      const bool counted = driver.counted();
      if (execution.failure()) {
        progress.finish();
        if (!counted) ++report.executions;
        tally.add(execution, report);
        report.failure = failed_execution(execution, config, report.executions - 1, body, options, report);
        driver.finish(true);
        return report;
      }
      if (!counted) continue;
      count_outcome(execution, report);
      tally.add(execution, report);
      progress.update(report.executions, 0, report.discarded);
      controlled = controlled || execution.operations() > 0 || execution.schedule().choices() > 0;
    }
    driver.finish(false);
    if (report.endless > 0 && report.searched_all) {
      // A path cut at the step budget was not followed to its end.
      report.searched_all = false;
      report.not_searched = std::to_string(report.endless) +
                            " executions reached the step budget (Options::max_steps) and were discarded as no verdict";
    }
  } else {
    const detail::Deadline deadline(options);
    // A shard runs every shard_count-th execution: disjoint streams.
    for (std::uint64_t i = options.shard_index(); i < options.iterations(); i += options.shard_count()) {
      if (deadline.passed()) {
        report.not_searched = deadline.reason();
        break;
      }
      execution.run(*sampler, config, i, body_of(body));
      ++report.executions;
      if (execution.failure()) {
        progress.finish();
        tally.add(execution, report);
        report.failure = failed_execution(execution, config, i, body, options, report);
        return report;
      }
      count_outcome(execution, report);
      tally.add(execution, report);
      progress.update(report.executions, 0, report.discarded);
      controlled = controlled || execution.operations() > 0 || execution.schedule().choices() > 0;
    }
  }
  if (report.discarded == report.executions && report.executions > 0) {
    report.failure = all_discarded(report.executions);
    return report;
  }
  if (!controlled && report.executions > 0) {
    report.failure = nothing_controlled(report.executions);
    return report;
  }
  if (options.lock_order()) {
    if (const std::optional<checkers::LockCycle> cycle = lock_order.find_cycle())
      report.failure = confirm_lock_order(execution, watchers.checks(), *cycle, config, body, options, report);
  }
  return report;
}

Report replay(std::string_view token_text, const std::function<void()>& body, const Options& options) {
  if (std::optional<Failure> f = detail::nested_call("weft::replay")) return failed_before_running(std::move(*f));
  if (std::optional<Failure> f = detail::unusable_options(options, false)) return failed_before_running(std::move(*f));
  sched::Token token;
  std::string text;
  std::string error;
  if (!detail::read_token(token_text, text, error) || !sched::Token::decode(text, token, error))
    return replay_error("cannot replay this token: " + error);

  ExecutionLease lease(options.stack_size());
  sched::Execution& execution = lease.execution();
  sched::ReplayStrategy strategy(token.schedule);
  // The caller's max_steps bounds the replay too: a token's own limit (it
  // can be edited, checksum and all) must not turn hang detection off.
  sched::Config config = token.config;
  config.max_steps = std::min(config.max_steps, options.max_steps());
  execution.keep_events(options.trace_steps());
  execution.record_events(true);
  const Watchers watchers(execution, config, nullptr);
  detail::open_line_tables();
  detail::CrashGuard crash_guard(options.trace_steps());
  const detail::Watchdog watchdog(execution, options.watchdog());
  execution.break_at(options.break_at());
  TimelineRun timeline(execution, options);
  execution.run(strategy, config, 0, body_of(body));
  if (options.break_at() != 0 && !execution.break_reached())
    sched::debug_break_missed(options.break_at(), execution.steps());

  Report report;
  report.executions = 1;
  report.distinct_schedules = 1;
  report.most_points = execution.steps();
  report.race_detection = config.race_detection;
  const sched::FailureRecord* found = execution.failure();
  const bool same = found && found->verdict == token.verdict && found->step == token.step && strategy.finished();
  if (found) report.timeline = timeline.write(true);
  if (found) {
    report.failure = detail::build_failure(execution, token.execution, options.trace_steps());
    report.failure->token = token.encode();  // the token's own max_steps, whatever bounded the replay
  }
  if (same) return report;

  const std::string expected = "the token recorded " + describe(token.verdict, token.step);
  const bool capped = config.max_steps < token.config.max_steps && found && found->verdict == sched::Verdict::Hang;
  // A crash is undefined behaviour: the memory it (or code before it)
  // corrupted need not be the same in another run, so a crash that does
  // not come back is no sign that the test changed.
  const std::string hint =
      capped ? "\nthe token allows " + std::to_string(token.config.max_steps) + " steps, but this replay stops after " +
                   std::to_string(config.max_steps) + " (Options::max_steps, WEFT_MAX_STEPS): raise it to replay "
                   "the token"
      : token.verdict == sched::Verdict::Crash
          ? "\nthe crash is not reproducible: a crash is undefined behaviour, and what led to it (memory corrupted "
            "before it, state kept outside the execution) differs in this run"
          : "\nwas the test, or the code it runs, changed since the token was printed?";
  if (!found) {
    const char* how = execution.outcome() == sched::Outcome::Discarded
                          ? ", but an assumption (__VERIFIER_assume) discarded the replay after "
                          : ", but the replay finished without failing after ";
    report = replay_error(expected + how +
                          std::to_string(execution.steps()) + " steps, having used " + std::to_string(strategy.taken()) +
                          " of the token's " + std::to_string(token.schedule.choices()) + " choices" + hint);
    report.executions = 1;
    report.failure->execution = token.execution + 1;  // the execution replayed, as a reproduced failure says
    report.failure->step = execution.steps();
  } else {
    Failure& f = *report.failure;
    f.message = f.kind == FailureKind::ReplayError
                    ? f.message + "; " + expected + hint
                    : expected + ", but the replay found " + describe(found->verdict, found->step) + ": " + f.message + hint;
    f.kind = FailureKind::ReplayError;
    if (strategy.divergence()) f.message += "\n" + detail::divergence_text(*strategy.divergence(), *found, f);
  }
  return report;
}

}  // namespace weft
