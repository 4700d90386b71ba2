#include "failure_builder.h"

#include "checkers/deadlock.h"
#include "scheduler/schedule.h"
#include "scheduler/trace.h"

namespace weft::detail {

static_assert(static_cast<int>(FailureKind::AssertionFailed) == static_cast<int>(sched::Verdict::AssertionFailed));
static_assert(static_cast<int>(FailureKind::UncaughtException) == static_cast<int>(sched::Verdict::UncaughtException));
static_assert(static_cast<int>(FailureKind::Crash) == static_cast<int>(sched::Verdict::Crash));
static_assert(static_cast<int>(FailureKind::Deadlock) == static_cast<int>(sched::Verdict::Deadlock));
static_assert(static_cast<int>(FailureKind::Hang) == static_cast<int>(sched::Verdict::Hang));
static_assert(static_cast<int>(FailureKind::Misuse) == static_cast<int>(sched::Verdict::Misuse));
static_assert(static_cast<int>(FailureKind::ReplayError) == static_cast<int>(sched::Verdict::ReplayError));
static_assert(static_cast<int>(FailureKind::DataRace) == static_cast<int>(sched::Verdict::DataRace));
static_assert(static_cast<int>(FailureKind::LockOrderInversion) == static_cast<int>(sched::Verdict::LockOrderInversion));
static_assert(static_cast<int>(FailureKind::DoubleFree) == static_cast<int>(sched::Verdict::DoubleFree));

namespace {
const char* state_name(sched::ThreadView::State s) noexcept {
  switch (s) {
    case sched::ThreadView::State::Running: return "running";
    case sched::ThreadView::State::Runnable: return "runnable";
    case sched::ThreadView::State::Blocked: return "blocked";
    case sched::ThreadView::State::Finished: return "finished";
  }
  return "";
}

ThreadSnapshot snapshot_of(const sched::ThreadView& v) {
  ThreadSnapshot s;
  s.thread = v.id;
  s.state = state_name(v.state);
  s.process = v.process;
  if (v.state == sched::ThreadView::State::Blocked) s.waiting_for = checkers::describe_wait(v);
  if (v.state != sched::ThreadView::State::Finished) {
    s.file = sched::base_name(v.where.file);
    s.line = v.where.line;
  }
  return s;
}

TraceStep trace_step_of(const sched::Event& e) {
  TraceStep t;
  t.step = e.step;
  t.thread = e.thread;
  t.operation = sched::operation_name(e.op, e.object.kind);
  t.object = sched::object_name(e.object);
  t.detail = sched::event_detail(e);
  t.file = sched::base_name(e.where.file);
  t.line = e.where.line;
  return t;
}
}  // namespace

Failure build_failure(const sched::Execution& x, std::uint64_t execution_index, std::size_t trace_tail) {
  const sched::FailureRecord& record = *x.failure();
  Failure f;
  f.kind = static_cast<FailureKind>(record.verdict);
  f.message = record.verdict == sched::Verdict::Deadlock ? checkers::explain_deadlock(record.threads) : record.message;
  if (record.where.line && record.verdict != sched::Verdict::Deadlock && f.message.find('\n') == std::string::npos)
    f.message += " (at " + std::string(sched::base_name(record.where.file)) + ":" + std::to_string(record.where.line) + ")";
  f.execution = execution_index + 1;
  f.step = record.step;
  f.trace_tail = trace_tail;
  for (const auto& v : record.threads) f.threads.push_back(snapshot_of(v));
  // Only the steps a report shows are kept: a long failing execution would
  // otherwise hold a few hundred bytes per step for the rest of the process
  // (the execution's own log is bounded alike: Execution::keep_events).
  const std::vector<sched::Event>& events = x.events();
  const std::size_t first = trace_tail == 0 || trace_tail >= events.size() ? 0 : events.size() - trace_tail;
  f.operations = x.event_count();
  f.trace.reserve(events.size() - first);
  for (std::size_t i = first; i < events.size(); ++i) f.trace.push_back(trace_step_of(events[i]));
  sched::Token token;
  token.schedule = x.schedule();
  token.config = x.config();
  token.verdict = record.verdict;
  token.step = record.step;
  token.execution = execution_index;
  f.token = token.encode();
  return f;
}

}  // namespace weft::detail
