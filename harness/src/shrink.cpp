#include "shrink.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "scheduler/dfs_strategy.h"
#include "scheduler/guide_strategy.h"
#include "scheduler/replay_strategy.h"
#include "scheduler/schedule.h"
#include "scheduler/trace.h"

namespace weft::detail {

namespace {
using Clock = std::chrono::steady_clock;

bool same_place(const sched::Location& a, const sched::Location& b) {
  return a.line == b.line && std::strcmp(a.file ? a.file : "", b.file ? b.file : "") == 0;
}

// blocked_places are where a deadlock's blocked threads wait, sorted.
std::vector<std::string> blocked_places(const sched::FailureRecord& r) {
  std::vector<std::string> out;
  for (const sched::ThreadView& v : r.threads)
    if (v.state == sched::ThreadView::State::Blocked)
      out.push_back(std::string(sched::base_name(v.where.file)) + ":" + std::to_string(v.where.line) + " " +
                    sched::operation_name(v.op, v.object.kind));
  std::sort(out.begin(), out.end());
  return out;
}

// Tried is a schedule that failed the same way, as the shrinker ranks it.
struct Tried {
  std::vector<sched::Choice> choices;
  sched::Schedule schedule;
  std::uint64_t preemptions = 0;
  std::uint64_t steps = 0;

  bool simpler_than(const Tried& o) const noexcept {
    return preemptions != o.preemptions ? preemptions < o.preemptions : steps < o.steps;
  }
};

// Shrinker runs edited schedules within the limits and keeps the simplest
// one that still fails the same way.
class Shrinker {
 public:
  Shrinker(sched::Execution& x, const sched::Config& config, std::uint64_t index, sched::ThreadBody body,
           const ShrinkLimits& limits)
      : x_(x), config_(config), index_(index), body_(body), limits_(limits), start_(Clock::now()) {}

  // first runs the failing schedule again, noting its choices.
  std::optional<Tried> first(const sched::Schedule& schedule, const sched::FailureRecord& target) {
    target_ = &target;
    sched::GuideStrategy guide(schedule);
    return run(guide);
  }

  // attempt runs `wishes`; it gives the result when it failed the same way.
  std::optional<Tried> attempt(std::vector<sched::Choice> wishes) {
    if (spent()) return std::nullopt;
    sched::GuideStrategy guide(std::move(wishes));
    return run(guide);
  }

  // attempt_anyway runs `wishes` whatever the budget of executions (the
  // cause's few flips); it gives the result when it failed the same way.
  std::optional<Tried> attempt_anyway(std::vector<sched::Choice> wishes) {
    sched::GuideStrategy guide(std::move(wishes));
    return run(guide);
  }

  // search runs a search of every schedule with at most `bound`
  // preemptions, level by level (sched::DfsStrategy), for at most `budget`
  // executions; it gives the first that fails the same way, which has the
  // fewest preemptions of all such schedules when the search got that far.
  // `complete` says whether it searched the whole space.
  std::optional<Tried> search(std::uint32_t bound, std::uint64_t budget, bool& complete) {
    sched::DfsStrategy dfs(bound, 0, 1);
    complete = false;
    for (std::uint64_t n = 0; n < budget && !dfs.done(); ++n) {
      if (spent()) return std::nullopt;
      ++runs_;
      x_.run(dfs, config_, index_, body_);
      const sched::FailureRecord* found = x_.failure();
      if (!found || !same_failure(*found, *target_)) continue;
      // Run along it once more to note its choices as the other edits take them.
      const sched::Schedule schedule = x_.schedule();
      sched::GuideStrategy guide(schedule);
      return run(guide);
    }
    complete = dfs.done() && dfs.cut().empty();
    return std::nullopt;
  }

  bool spent() {
    if (runs_ >= limits_.executions || out_of_time()) return cut_short_ = true;
    return false;
  }
  bool out_of_time() const { return limits_.time.count() > 0 && Clock::now() - start_ >= limits_.time; }
  std::uint64_t runs() const noexcept { return runs_; }
  std::uint64_t left() const noexcept { return runs_ < limits_.executions ? limits_.executions - runs_ : 0; }
  bool cut_short() const noexcept { return cut_short_; }

 private:
  std::optional<Tried> run(sched::GuideStrategy& guide) {
    ++runs_;
    x_.run(guide, config_, index_, body_);
    const sched::FailureRecord* found = x_.failure();
    if (!found || !same_failure(*found, *target_)) return std::nullopt;
    return Tried{guide.taken(), x_.schedule(), guide.preemptions(), found->step};
  }

  sched::Execution& x_;
  const sched::Config& config_;
  std::uint64_t index_;
  sched::ThreadBody body_;
  ShrinkLimits limits_;
  Clock::time_point start_;
  const sched::FailureRecord* target_ = nullptr;
  std::uint64_t runs_ = 0;
  bool cut_short_ = false;
};

// improves runs `wishes` and keeps the result as `best` when it failed the
// same way and is simpler.
bool improves(Shrinker& s, Tried& best, std::vector<sched::Choice> wishes) {
  std::optional<Tried> t = s.attempt(std::move(wishes));
  if (!t || !t->simpler_than(best)) return false;
  best = std::move(*t);
  return true;
}

// fewer_preemptions tries each preemption of `best` in turn replaced by
// going on with the thread that ran; true when one made it simpler.
bool fewer_preemptions(Shrinker& s, Tried& best) {
  for (std::size_t i = 0; i < best.choices.size(); ++i) {
    if (!best.choices[i].preempts) continue;
    std::vector<sched::Choice> wishes = best.choices;
    wishes[i].value = sched::Choice::kAny;
    if (improves(s, best, std::move(wishes))) return true;
    if (s.spent()) return false;
  }
  return false;
}

// fewer_steps tries dropping runs of choices, halves first, then quarters,
// down to single choices (later choices move up to take their place);
// true when one made it simpler.
bool fewer_steps(Shrinker& s, Tried& best) {
  for (std::size_t size = std::max<std::size_t>(best.choices.size() / 2, 1); size >= 1; size /= 2) {
    for (std::size_t at = 0; at + size <= best.choices.size(); at += size) {
      std::vector<sched::Choice> wishes = best.choices;
      wishes.erase(wishes.begin() + static_cast<std::ptrdiff_t>(at),
                   wishes.begin() + static_cast<std::ptrdiff_t>(at + size));
      if (improves(s, best, std::move(wishes))) return true;
      if (s.spent()) return false;
    }
  }
  return false;
}

// fewer_preemptions_by_search looks for a schedule with fewer preemptions
// than `best` by searching every schedule with fewer, level by level, with
// at most half the executions left: removing one preemption at a time
// misses schedules that need other switches, where the thread that runs
// when one blocks differs (the bounded buffer's). Once a search found one,
// or searched every schedule with fewer, `best` has the fewest there are:
// `settled` then keeps it from running again.
bool fewer_preemptions_by_search(Shrinker& s, Tried& best, bool& settled) {
  if (settled || best.preemptions == 0 || s.spent()) return false;
  bool complete = false;
  const std::uint64_t budget = std::max<std::uint64_t>(s.left() / 2, 1);
  std::optional<Tried> t = s.search(static_cast<std::uint32_t>(best.preemptions - 1), budget, complete);
  if (t && t->preemptions < best.preemptions) {
    best = std::move(*t);
    settled = true;
    return true;
  }
  settled = complete;
  return false;
}

// kMaxFlips bounds the executions spent looking for the cause.
constexpr std::size_t kMaxFlips = 16;

// find_flip tries, for each preemption of `best`, letting the preempted
// thread take its next step before the preempting one; the first such flip
// after which the body no longer fails the same way is the cause. The
// time limit ends it too.
std::optional<Flip> find_flip(Shrinker& s, const Tried& best, bool& all_tried) {
  std::size_t tried = 0;
  all_tried = false;
  for (std::size_t i = 0; i < best.choices.size() && tried < kMaxFlips && !s.out_of_time(); ++i) {
    const sched::Choice& c = best.choices[i];
    if (!c.preempts) continue;
    ++tried;
    std::vector<sched::Choice> wishes = best.choices;
    wishes[i].value = sched::Choice::kAny;
    wishes.insert(wishes.begin() + static_cast<std::ptrdiff_t>(i + 1), sched::Choice{c.value, true});
    if (!s.attempt_anyway(std::move(wishes))) return Flip{c.step, c.current, c.value};
  }
  all_tried = !s.out_of_time();
  return std::nullopt;
}

std::string token_of(const sched::Schedule& schedule, const sched::Config& config, const sched::FailureRecord& r,
                     std::uint64_t index) {
  sched::Token token;
  token.schedule = schedule;
  token.config = config;
  token.verdict = r.verdict;
  token.step = r.step;
  token.execution = index;
  return token.encode();
}

// rerun runs `schedule` once more, as replayed, and says whether it failed
// the same way as `target`.
bool rerun(sched::Execution& x, const sched::Config& config, std::uint64_t index, sched::ThreadBody body,
           const sched::Schedule& schedule, const sched::FailureRecord& target) {
  sched::ReplayStrategy replay(schedule);
  x.run(replay, config, index, body);
  return x.failure() && same_failure(*x.failure(), target) && replay.finished();
}
}  // namespace

std::string numbers_masked(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    const bool names = (text[i] == 'T' && (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])))) ||
                       text[i] == '#' || (i >= 4 && text.compare(i - 4, 5, "step ") == 0);
    if (!names || i + 1 >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 1]))) continue;
    out += '?';
    while (i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) ++i;
  }
  return out;
}

bool same_failure(const sched::FailureRecord& a, const sched::FailureRecord& b) {
  if (a.verdict != b.verdict) return false;
  switch (a.verdict) {
    case sched::Verdict::AssertionFailed:
      return same_place(a.where, b.where) && (a.where.line != 0 || a.message == b.message);
    case sched::Verdict::Deadlock:
      return blocked_places(a) == blocked_places(b);
    default:
      return same_place(a.where, b.where) && numbers_masked(a.message) == numbers_masked(b.message);
  }
}

std::optional<Shrunk> shrink(sched::Execution& execution, const sched::Config& config, std::uint64_t index,
                             sched::ThreadBody body, const ShrinkLimits& limits) {
  const sched::FailureRecord found = *execution.failure();
  const sched::Schedule original = execution.schedule();
  // A schedule without choices has nothing to edit.
  if (found.verdict == sched::Verdict::Hang || found.verdict == sched::Verdict::ReplayError || original.choices() == 0)
    return std::nullopt;
  Shrinker s(execution, config, index, body, limits);
  const std::optional<Tried> start = s.first(original, found);
  std::optional<Tried> best = start;
  if (best) {
    bool settled = false;
    while (fewer_preemptions(s, *best) || fewer_preemptions_by_search(s, *best, settled) || fewer_steps(s, *best)) {
    }
  }
  std::optional<Flip> flip;
  bool flips_tried = false;
  if (best) flip = find_flip(s, *best, flips_tried);
  // Leave the execution as the reported schedule ran, for failure_of.
  if (best && rerun(execution, config, index, body, best->schedule, found)) {
    Shrunk shrunk;
    shrunk.flip = flip;
    shrunk.flips_tried = flips_tried;
    Shrinking& out = shrunk.summary;
    out.original_token = token_of(original, config, found, index);
    out.original_preemptions = start->preemptions;
    out.original_steps = start->steps;
    out.preemptions = best->preemptions;
    out.steps = best->steps;
    out.executions = s.runs() + 1;
    out.cut_short = s.cut_short();
    return shrunk;
  }
  sched::ReplayStrategy replay(original);
  execution.run(replay, config, index, body);
  return std::nullopt;
}

}  // namespace weft::detail

namespace weft::detail {

namespace {
// op_text names one operation of a trace for the cause's sentence.
std::string op_text(const TraceStep& t) {
  return "T" + std::to_string(t.thread) + "'s " + t.operation + (t.object.empty() ? "" : " " + t.object) + " (" +
         t.file + ":" + std::to_string(t.line) + ")";
}

const TraceStep* first_of(const Failure& f, std::uint32_t thread, std::uint64_t from_step) {
  for (const TraceStep& t : f.trace)
    if (t.thread == thread && t.step >= from_step) return &t;
  return nullptr;
}

const TraceStep* last_before(const Failure& f, std::uint32_t thread, std::uint64_t step) {
  const TraceStep* out = nullptr;
  for (const TraceStep& t : f.trace)
    if (t.thread == thread && t.step < step) out = &t;
  return out;
}

// pending_text names where `thread` stood when the failure happened, for a
// preempted thread that never took its next step.
std::string pending_text(const Failure& f, std::uint32_t thread) {
  for (const ThreadSnapshot& s : f.threads) {
    if (s.thread != thread || s.line == 0) continue;
    const std::string what = s.waiting_for.empty() ? "next operation" : s.waiting_for.substr(0, s.waiting_for.find(','));
    return "T" + std::to_string(thread) + "'s " + what + " (" + s.file + ":" + std::to_string(s.line) + ")";
  }
  return "T" + std::to_string(thread) + "'s next operation";
}
}  // namespace

std::string cause_text(const Shrunk& shrunk, const Failure& failure) {
  if (!shrunk.flip) {
    if (shrunk.summary.preemptions == 0)
      return "fails with no preemption at all: every thread running until it blocks or ends is enough";
    if (!shrunk.flips_tried) return "not found: shrinking's time limit ended the search for it";
    return "no single flip of the shrunk schedule's " + std::to_string(shrunk.summary.preemptions) + " preemptions" +
           (shrunk.summary.preemptions > kMaxFlips ? " (the first " + std::to_string(kMaxFlips) + " tried)" : "") +
           " makes the failure go away";
  }
  const Flip& flip = *shrunk.flip;
  const TraceStep* by = first_of(failure, flip.preempting, flip.step);
  const TraceStep* next = first_of(failure, flip.preempted, flip.step + 1);
  const TraceStep* before = last_before(failure, flip.preempted, flip.step);
  const std::string preempting =
      by ? op_text(*by) : "T" + std::to_string(flip.preempting) + "'s step " + std::to_string(flip.step);
  const std::string after = next ? op_text(*next) : pending_text(failure, flip.preempted);
  if (!before) return "fails when " + preempting + " runs before " + after;
  return "fails when " + preempting + " runs between " + op_text(*before) + " and " + after;
}

}  // namespace weft::detail
