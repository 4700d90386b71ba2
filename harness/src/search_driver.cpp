#include "search_driver.h"

#include <cstdio>

namespace weft::detail {

namespace {
// kSaveEvery is how often a running search rewrites its checkpoint.
constexpr std::chrono::seconds kSaveEvery{1};

std::string seconds_of(std::chrono::nanoseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", std::chrono::duration<double>(d).count());
  return text;
}
}  // namespace

Deadline::Deadline(const Options& options)
    : limit_(options.time_limit()), start_(std::chrono::steady_clock::now()) {}

bool Deadline::passed() const {
  return limit_ && std::chrono::steady_clock::now() - start_ >= *limit_;
}

std::string Deadline::reason() const {
  return "the time limit of " + seconds_of(limit_.value_or(std::chrono::nanoseconds{})) +
         " s (Options::time_limit, WEFT_TIME_LIMIT) stopped it";
}

SearchDriver::SearchDriver(sched::Search& search, const Options& options, Report& report)
    : search_(search), options_(options), report_(report), deadline_(options),
      saved_at_(std::chrono::steady_clock::now()) {
  report_.space = options.preemption_bound()
                      ? "every schedule with at most " + std::to_string(*options.preemption_bound()) + " preemption" +
                            (*options.preemption_bound() == 1 ? "" : "s")
                      : "every execution up to the order of independent operations";
  if (options.shard_count() > 1)
    report_.space += ", shard " + std::to_string(options.shard_index()) + " of " + std::to_string(options.shard_count());
  if (!options.checkpoint().empty()) checkpoint_.emplace(options.checkpoint(), options.checkpoint_key());
}

std::string SearchDriver::settings() const {
  const Options& o = options_;
  return "strategy=" + o.strategy().to_string() +
         " preemption_bound=" + (o.preemption_bound() ? std::to_string(*o.preemption_bound()) : "none") +
         " shard=" + std::to_string(o.shard_index()) + "/" + std::to_string(o.shard_count()) +
         " max_steps=" + std::to_string(o.max_steps()) + " spurious_wakeups=" + std::to_string(o.spurious_wakeups()) +
         " race_detection=" + std::to_string(o.race_detection()) + " faults=" +
         std::to_string(o.process_crashes()) + std::to_string(o.pipe_breaks()) + std::to_string(o.queue_put_failures()) +
         "/" + std::to_string(o.max_faults());
}

std::optional<Failure> SearchDriver::start() {
  if (!checkpoint_) return std::nullopt;
  std::string error;
  const std::optional<SearchProgress> saved = checkpoint_->load(error);
  Failure f;
  f.kind = FailureKind::Misuse;
  if (!error.empty()) {
    f.message = error;
    return f;
  }
  if (!saved) return std::nullopt;
  if (saved->settings != settings()) {
    f.message = "the checkpoint file " + options_.checkpoint() + " (Options::checkpoint, WEFT_CHECKPOINT) holds an "
                "exploration of this test with other settings (" + saved->settings + ", where this run has " +
                settings() + "): remove it, or its section for this test, to start afresh";
    return f;
  }
  if (!search_.load(saved->state, error)) {
    f.message = "the checkpoint file " + options_.checkpoint() + " (Options::checkpoint, WEFT_CHECKPOINT) is not one "
                "weft can resume from: " + error + "; remove it to start the exploration afresh";
    return f;
  }
  report_.executions = saved->executions;
  report_.redundant = saved->redundant;
  report_.discarded = saved->discarded;
  report_.stopped = saved->stopped;
  report_.endless = saved->endless;
  index_ = saved->executions + saved->redundant;
  return std::nullopt;
}

bool SearchDriver::more() {
  if (search_.done()) return false;
  if (runs_ >= options_.iterations()) {
    report_.not_searched = "the iteration cap of " + std::to_string(options_.iterations()) +
                           " runs (Options::iterations, WEFT_ITERATIONS) stopped it";
    return false;
  }
  if (deadline_.passed()) {
    report_.not_searched = deadline_.reason();
    return false;
  }
  if (checkpoint_ && std::chrono::steady_clock::now() - saved_at_ >= kSaveEvery) save();
  return true;
}

bool SearchDriver::counted() {
  ++runs_;
  ++index_;
  switch (search_.last_run()) {
    case sched::Search::Run::Explored:
      ++report_.executions;
      return true;
    case sched::Search::Run::Redundant:
      ++report_.redundant;
      return false;
    case sched::Search::Run::Foreign:
    case sched::Search::Run::Diverged:
      return false;
  }
  return false;
}

void SearchDriver::save() {
  SearchProgress p;
  p.settings = settings();
  search_.save(p.state);
  p.executions = report_.executions;
  p.redundant = report_.redundant;
  p.discarded = report_.discarded;
  p.stopped = report_.stopped;
  p.endless = report_.endless;
  std::string error;
  if (!checkpoint_->save(p, error)) std::fprintf(stderr, "weft: cannot save the checkpoint: %s\n", error.c_str());
  saved_at_ = std::chrono::steady_clock::now();
}

void SearchDriver::finish(bool failed) {
  const std::string cut = search_.cut();
  if (!cut.empty()) report_.not_searched += (report_.not_searched.empty() ? "" : "; ") + cut;
  report_.searched_all = !failed && search_.done() && report_.not_searched.empty();
  if (!checkpoint_) return;
  if (failed || search_.done()) {
    checkpoint_->forget();
  } else {
    save();
  }
}

}  // namespace weft::detail
