// weft::process: starting, joining, killing and observing simulated
// processes; the engine keeps which thread belongs to which process.

#include "weft/process.h"

#include <exception>
#include <ostream>

#include "call_start.h"
#include "message_state.h"

namespace weft {

using detail::Execution;
using detail::OpKind;
using detail::StepResult;

std::ostream& operator<<(std::ostream& out, const exit_status& status) {
  switch (status.kind) {
    case exit_kind::running: return out << "running";
    case exit_kind::exited: return out << "exited with " << status.code;
    case exit_kind::killed: return out << "killed";
    case exit_kind::crashed: return out << "crashed (injected)";
    case exit_kind::threw: return out << "threw " << status.message;
  }
  return out;
}

namespace detail {
namespace {

struct ProcessState {
  ObjectRef ref;
  sched::ProcessId pid = 0;
  std::string name;
  exit_status status;        // set when its main function ends; `running` before
  bool status_read = false;  // wait() or status() saw it ended
  bool detached = false;
};

struct Launch {
  std::unique_ptr<ProcessTask> task;
  ProcessState* state;
};

// exit_value is Event::value of a process.exit (see scheduler/trace.cpp).
std::uint64_t exit_value(exit_kind kind) noexcept {
  switch (kind) {
    case exit_kind::killed: return 1;
    case exit_kind::crashed: return 2;
    case exit_kind::threw: return 3;
    default: return 0;
  }
}

// finish records how the process's function ended and ends the process:
// its other threads unwind, as exit() ends them.
void finish(Execution& x, ProcessState& s, int code, const std::string* exception) {
  const sched::tsan::Unseen unseen;
  if (x.aborting()) return;
  const sched::Death death = x.death_of(s.pid);
  s.status.kind = death == sched::Death::Killed    ? exit_kind::killed
                  : death == sched::Death::Crashed ? exit_kind::crashed
                  : exception                      ? exit_kind::threw
                                                   : exit_kind::exited;
  s.status.code = s.status.kind == exit_kind::exited ? code : 0;
  if (exception && s.status.kind == exit_kind::threw) s.status.message = *exception;
  record_op(x, OpKind::Exit, s.ref, {}).value = exit_value(s.status.kind);
  x.end_process(s.pid, sched::Death::Exited);
}

void run_process(void* p) {
  Launch& launch = *static_cast<Launch*>(p);
  ProcessState& s = *launch.state;
  Execution& x = *Execution::active();
  int code = 0;
  std::string exception;
  try {
    code = launch.task->run();
  } catch (const sched::Unwind&) {
    finish(x, s, 0, nullptr);
    throw;
  } catch (const std::exception& e) {
    exception = std::string("std::exception: ") + e.what();
  } catch (...) {
    exception = "an exception that is not a std::exception";
  }
  finish(x, s, code, exception.empty() ? nullptr : &exception);
}

ProcessState* resolve(Execution& x, void* state, std::uint64_t generation, const char* verb, source_location where) {
  if (!state || generation != x.generation()) {
    misuse(x, who(x) + " " + verb + " a weft::process that has no process (default-constructed, moved from, or "
                       "from an earlier execution)",
           where, /*later=*/true);
    return nullptr;
  }
  return static_cast<ProcessState*>(state);
}

std::string label(const ProcessState& s) { return sched::object_name(s.ref) + " (" + s.name + ")"; }
}  // namespace
}  // namespace detail

void process::start(std::string name, std::unique_ptr<detail::ProcessTask> task, source_location call) {
  const sched::tsan::Unseen unseen;
  Execution& x = detail::require_execution("weft::process");
  const source_location where = detail::call_start(call);
  auto* s = x.arena().make<detail::ProcessState>();
  s->ref = x.name_object(sched::ObjectKind::Process);
  s->name = name.empty() ? sched::object_name(s->ref) : std::move(name);
  if (x.step(OpKind::Spawn, s->ref, detail::at(where)) == StepResult::Aborted) return;
  auto launch = std::make_unique<detail::Launch>(detail::Launch{std::move(task), s});
  sched::ThreadBody body;
  body.run = &detail::run_process;
  body.destroy = [](void* p) { delete static_cast<detail::Launch*>(p); };
  body.arg = launch.get();
  detail::ProcessTask& bound = *launch->task;
  const sched::ThreadId t = x.spawn_process(body, s->ref, s->name);
  launch.release();
  s->pid = x.process_of(t);
  bound.adopt(s->pid);
  if (const std::uint64_t at = detail::plan_fault(x, x.config().process_crashes, detail::kCrashScales))
    x.plan_crash(s->pid, at);
  if (checkers::Checks* c = detail::checks(x)) c->spawned(x.current(), t, detail::at(where), true);
  detail::record_op(x, OpKind::Spawn, s->ref, where, 0, t);
  state_ = s;
  generation_ = x.generation();
  id_ = s->pid;
}

process::process(process&& other) noexcept
    : state_(std::exchange(other.state_, nullptr)),
      generation_(std::exchange(other.generation_, 0)),
      id_(std::exchange(other.id_, 0)),
      settled_(std::exchange(other.settled_, false)) {}

process& process::operator=(process&& other) {
  if (this != &other) {
    release("assigned over");
    state_ = std::exchange(other.state_, nullptr);
    generation_ = std::exchange(other.generation_, 0);
    id_ = std::exchange(other.id_, 0);
    settled_ = std::exchange(other.settled_, false);
  }
  return *this;
}

process::~process() { release("destroyed"); }

void process::release(const char* what) noexcept {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  auto* s = static_cast<detail::ProcessState*>(state_);
  state_ = nullptr;
  // While an exception propagates, it is the failure to report; a dying
  // process's objects go with it.
  if (!s || !x || x->generation() != generation_ || std::uncaught_exceptions() != 0 || detail::caller_dying(*x))
    return;
  try {
    if (!settled_ && !s->detached && !x->process_ended(s->pid)) {
      detail::misuse(*x,
                     "the weft::process of " + detail::label(*s) + " was " + what +
                         " while the process runs: join, wait or detach it first",
                     source_location{}, /*later=*/true);
    } else if (s->status.kind == exit_kind::threw && !s->status_read && !x->aborting()) {
      x->fail_later(sched::Verdict::UncaughtException,
                    "process " + s->name + " threw " + s->status.message +
                        ", and nobody read its exit status (wait() or status()) before its weft::process was " + what);
    }
  } catch (...) {
    // Out of memory while building a message: nothing safe to do from here.
  }
}

void process::join(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = detail::require_execution("weft::process::join");
  auto* s = detail::resolve(x, state_, generation_, "joins", where);
  if (!s) return;
  if (x.process_of(x.current()) == s->pid) {
    detail::misuse(x, detail::who(x) + " joins its own process: it would wait for itself", where, /*later=*/true);
    return;
  }
  const sched::Blocker b = x.process_blocker(s->pid);
  if (x.release_step(OpKind::Join, s->ref, detail::at(where), &b) == StepResult::Aborted) return;
  settled_ = true;
  detail::record_op(x, OpKind::Join, s->ref, where);
}

exit_status process::wait(source_location where) {
  const sched::tsan::Unseen unseen;
  join(where);
  Execution& x = detail::require_execution("weft::process::wait");
  auto* s = static_cast<detail::ProcessState*>(state_);
  if (!s || generation_ != x.generation() || !x.process_ended(s->pid)) return {};
  s->status_read = true;
  return s->status;
}

exit_status process::status(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = detail::require_execution("weft::process::status");
  auto* s = detail::resolve(x, state_, generation_, "asks for the status of", where);
  if (!s || x.step(OpKind::Poll, s->ref, detail::at(where)) == StepResult::Aborted) return {};
  detail::record_op(x, OpKind::Poll, s->ref, where);
  if (!x.process_ended(s->pid)) return {};
  s->status_read = true;
  return s->status;
}

void process::kill(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = detail::require_execution("weft::process::kill");
  auto* s = detail::resolve(x, state_, generation_, "kills", where);
  if (!s || x.step(OpKind::Kill, s->ref, detail::at(where)) == StepResult::Aborted) return;
  const bool gone = x.death_of(s->pid) != sched::Death::None;
  if (!gone) x.end_process(s->pid, sched::Death::Killed);
  detail::record_op(x, OpKind::Kill, s->ref, where, gone ? sched::kFailed : 0);
  x.unwind_if_killed();
}

void process::detach(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = detail::require_execution("weft::process::detach");
  auto* s = detail::resolve(x, state_, generation_, "detaches", where);
  if (!s || x.release_step(OpKind::Detach, s->ref, detail::at(where)) == StepResult::Aborted) return;
  s->detached = true;
  settled_ = true;
  detail::record_op(x, OpKind::Detach, s->ref, where);
}

namespace this_process {
std::uint32_t get_id() noexcept {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  return x ? x->process_of(x->current()) : 0;
}

void set_name(std::string name) {
  const sched::tsan::Unseen unseen;
  Execution& x = detail::require_execution("weft::this_process::set_name");
  x.rename_process(x.process_of(x.current()), std::move(name));
}
}  // namespace this_process

}  // namespace weft
