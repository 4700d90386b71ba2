// Failures that stay fixed: the regression file replayed before exploring.

#include "regressions.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "regression_file.h"

namespace weft {

namespace detail {
namespace {
// kMargin is how many executions past the one an entry was found at its
// search runs again, at least (and at least as many as it ran before the
// failure): room for a test that changed a little, without running the
// whole of a long exploration when the bug is gone.
constexpr std::uint64_t kMargin = 100;

Report failed_early(FailureKind kind, std::string message) {
  Report r;
  r.failure.emplace();
  r.failure->kind = kind;
  r.failure->message = std::move(message);
  return r;
}

// search_of is the options that run an entry's search again: its seed,
// strategy and the options that decide the executions as it recorded them,
// with the current run's settings for what they do not decide (stack,
// trace, shrinking); up to the execution it found the failure at, plus a
// margin, within its iterations. A failure found past its iterations (a
// deadlock found confirming a lock-order cycle) needs them all.
Options search_of(const RegressionEntry& e, const Options& current) {
  Options o = e.search;
  o.stack_size(current.stack_size())
      .trace_steps(current.trace_steps())
      .shrink(current.shrink())
      .shrink_executions(current.shrink_executions())
      .shrink_milliseconds(current.shrink_milliseconds())
      .record_every_execution(current.record_every_execution())
      .progress(Progress::Off);
  const std::uint64_t found = e.execution;
  if (found <= o.iterations()) o.iterations(std::min(o.iterations(), found + std::max(found, kMargin)));
  return o;
}

RegressionEntry entry_of(const Failure& f, const Options& search) {
  RegressionEntry e;
  e.kind = f.kind;
  e.token = f.token;
  e.execution = f.execution;
  e.search = search;
  return e;
}

std::string described(const RegressionEntry& e) {
  return "line " + std::to_string(e.line) + ": " + std::string(to_string(e.kind)) + " found at execution " +
         std::to_string(e.execution) + " (seed " + std::to_string(e.search.seed()) + ", strategy " +
         e.search.strategy().to_string() + ")";
}

// Run is one run of explore_with_regressions: the file, what it gave so
// far, and the executions of its replays and searches.
class Run {
 public:
  Run(const std::function<void()>& body, const Options& options) : body_(body), options_(options) {
    plain_ = options;
    plain_.regressions({});
    summary_.file = options.regressions() + "/" + regression_file_name(options.regressions_name());
  }

  Report go() {
    if (options_.regressions_name().empty())
      return failed_early(FailureKind::Misuse,
                          "Options::regressions needs the test's name outside WEFT_TEST and program tests: "
                          "pass it as the second argument, it names the test's regression file");
    std::string error;
    if (!file_.load(summary_.file, error)) return finish(failed_early(FailureKind::ReplayError, error));
    summary_.entries = file_.entries().size();
    for (std::size_t i = 0; i < file_.entries().size(); ++i)
      if (std::optional<Report> failed = check(i)) return finish(std::move(*failed), true);
    Report report = explore(body_, plain_);
    if (report.ok() && options_.regressions_strict() && summary_.stale > 0) {
      report.failure = failed_early(FailureKind::ReplayError, stale_message()).failure;
      report.failure->execution = 0;
    }
    return finish(std::move(report));
  }

 private:
  // check replays entry i, and runs its search again when its token no
  // longer fits; a failure either finds is the run's.
  std::optional<Report> check(std::size_t i) {
    const RegressionEntry e = file_.entries()[i];
    ++summary_.replayed;
    Report replayed = replay(e.token, body_, plain_);
    executions_ += replayed.executions;
    if (!replayed.ok() && replayed.failure->kind != FailureKind::ReplayError) {
      summary_.from_line = e.line;
      return replayed;
    }
    Report again = explore(body_, search_of(e, plain_));
    executions_ += again.executions;
    if (!again.ok() && again.failure->kind == e.kind && !again.failure->token.empty()) {
      ++summary_.rederived;
      summary_.from_line = e.line;
      summary_.from_search = true;
      const Failure& f = *again.failure;
      change([&](RegressionFile& file) {
        const std::size_t at = file.find(e.token);
        if (at < file.entries().size()) file.update(at, f.token, f.execution);
      });
      return again;
    }
    ++summary_.stale;
    summary_.stale_lines += described(e) + ": neither its token nor its search (" + std::to_string(again.executions) +
                            " executions) finds it any more";
    if (again.ok()) {
      summary_.stale_lines += "\n";
      return std::nullopt;
    }
    // The search finds another bug: report it, and keep it too, as that
    // search found it.
    summary_.stale_lines += "; the search finds " + std::string(to_string(again.failure->kind)) + " instead\n";
    found_by_ = search_of(e, plain_);
    return again;
  }

  // finish adds the report's failure to the file if it is new, and what the
  // file gave to the report, whose executions are among those counted so
  // far when `counted`.
  Report finish(Report report, bool counted = false) {
    if (!report.ok() && summary_.from_line == 0 && !report.failure->token.empty() && summary_.note.empty() &&
        !file_.holds(report.failure->token)) {
      std::size_t line = 0;
      change([&](RegressionFile& file) {
        if (!file.holds(report.failure->token))
          line = file.add(entry_of(*report.failure, found_by_ ? *found_by_ : plain_), options_.regressions_name());
      });
      summary_.added_line = summary_.note.empty() ? line : 0;
    }
    report.executions = counted ? executions_ : report.executions + executions_;
    report.regressions = summary_;
    return report;
  }

  // change edits the file as it is now (another run of the test may have
  // added to it since it was read), through a copy: the entries this run
  // goes through stay the ones it read.
  void change(const std::function<void(RegressionFile&)>& edit) {
    RegressionFile now = file_;
    std::string error;
    if (!now.change(edit, error)) summary_.note = error;
  }

  std::string stale_message() const {
    return std::to_string(summary_.stale) + (summary_.stale == 1 ? " entry" : " entries") + " of the regression file " +
           summary_.file +
           " no longer fail: the bug each recorded is fixed, or the test changed. Strict mode "
           "(WEFT_REGRESSIONS_STRICT=1, Options::regressions_strict) asks that such entries be deleted from the "
           "file, so that it only holds failures it still guards against";
  }

  const std::function<void()>& body_;
  const Options& options_;
  Options plain_;  // the options without the regression file: for the replays and the exploration
  RegressionFile file_;
  Regressions summary_;
  std::optional<Options> found_by_;  // the search that found the failure, when not plain_'s
  std::uint64_t executions_ = 0;
};
}  // namespace

Report explore_with_regressions(const std::function<void()>& body, const Options& options) {
  return Run(body, options).go();
}

}  // namespace detail

std::string regressions_text(const Regressions& r) {
  std::string out;
  if (r.entries > 0 || r.added_line > 0) {
    out = "weft: regression file " + r.file + ": " +
          (r.replayed < r.entries ? std::to_string(r.replayed) + " of " + std::to_string(r.entries) + " entries"
                                  : std::to_string(r.replayed) + (r.replayed == 1 ? " entry" : " entries")) +
          " replayed, " + std::to_string(r.rederived) + " re-derived, " + std::to_string(r.stale) + " stale\n";
  }
  std::size_t at = 0;
  while (at < r.stale_lines.size()) {
    const std::size_t end = r.stale_lines.find('\n', at);
    out += "weft: stale entry, " + r.stale_lines.substr(at, end - at) + "\n";
    at = end == std::string::npos ? r.stale_lines.size() : end + 1;
  }
  if (r.from_line > 0)
    out += "weft: this failure comes from the regression file, line " + std::to_string(r.from_line) +
           (r.from_search ? ": its token no longer fit, so the search that found it ran again and found it anew (the "
                            "file now holds the new token)\n"
                          : ": a failure found before is back\n");
  if (r.added_line > 0)
    out += "weft: this failure is now line " + std::to_string(r.added_line) + " of " + r.file +
           ": commit the file beside the test, and every later run replays it first\n";
  if (!r.note.empty()) out += "weft: " + r.note + "\n";
  return out;
}

}  // namespace weft
