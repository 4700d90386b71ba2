#include "divergence.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "checkers/deadlock.h"
#include "scheduler/trace.h"

namespace weft::detail {

namespace {
// kCommonSteps is how many of the steps before the divergence are shown.
constexpr std::size_t kCommonSteps = 5;

std::string place(const sched::Location& where) {
  if (where.line == 0) return "";
  return " (" + std::string(sched::base_name(where.file)) + ":" + std::to_string(where.line) + ")";
}

// what_it_does says what a thread of the replay was at, at the divergence.
std::string what_it_does(const sched::ThreadView& v) {
  const std::string t = "T" + std::to_string(v.id);
  switch (v.state) {
    case sched::ThreadView::State::Finished: return t + " finished";
    case sched::ThreadView::State::Blocked: return t + " blocked in " + checkers::describe_wait(v) + place(v.where);
    case sched::ThreadView::State::Running:
    case sched::ThreadView::State::Runnable: break;
  }
  if (v.where.line == 0 && v.op == sched::OpKind::Yield) return t + " can run (not yet at an operation)";
  std::string object = sched::object_name(v.object);
  return t + " can run: " + sched::operation_name(v.op, v.object.kind) + (object.empty() ? "" : " " + object) +
         place(v.where);
}

std::string token_side(const sched::Divergence& d) {
  if (d.ran_out) return "no choice left";
  if (d.thread_choice) return "T" + std::to_string(d.recorded) + " takes the step";
  return "option " + std::to_string(d.recorded) + " (of " + std::to_string(d.bound) + " here)";
}
}  // namespace

std::string divergence_text(const sched::Divergence& d, const sched::FailureRecord& record, const Failure& built) {
  std::vector<std::string> left{"the token", token_side(d)};
  std::vector<std::string> right{"this replay"};
  if (!d.thread_choice) right.push_back("a choice among " + std::to_string(d.bound) + " options");
  bool recorded_exists = false;
  for (const sched::ThreadView& v : record.threads) {
    if (v.state == sched::ThreadView::State::Finished && !(d.thread_choice && v.id == d.recorded)) continue;
    recorded_exists = recorded_exists || v.id == d.recorded;
    right.push_back(what_it_does(v));
  }
  if (d.thread_choice && !d.ran_out && !recorded_exists)
    right.push_back("T" + std::to_string(d.recorded) + " does not exist");
  std::size_t width = 0;
  for (const std::string& l : left) width = std::max(width, l.size());
  std::string out = "where the token and this replay part, at step " + std::to_string(d.step) + ":\n";
  for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
    const std::string l = i < left.size() ? left[i] : "";
    out += "  " + l + std::string(width - l.size(), ' ') + " | " + (i < right.size() ? right[i] : "") + "\n";
  }
  if (built.trace.empty()) return out + "no step was in common";
  out += "last steps in common:\n";
  std::string common = built.trace_text(std::min(kCommonSteps, built.trace.size()));
  while (!common.empty() && common.back() == '\n') common.pop_back();
  return out + common;
}

}  // namespace weft::detail
