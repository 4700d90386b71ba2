#include "checkers/leak_checker.h"

#include <string>

#include "scheduler/execution.h"
#include "scheduler/trace.h"

namespace weft::checkers {

using sched::Event;
using sched::OpKind;

namespace {
std::string at(sched::Location where) {
  if (!where.line) return "";
  return " (taken at " + std::string(sched::base_name(where.file)) + ":" + std::to_string(where.line) + ")";
}
}  // namespace

void LeakChecker::begin(sched::Execution&) {
  held_.clear();
  spawned_.clear();
}

LeakChecker::Held* LeakChecker::find(sched::ObjectRef lock, sched::ThreadId thread, bool shared) {
  for (Held& h : held_)
    if (h.lock.kind == lock.kind && h.lock.index == lock.index && h.thread == thread && h.shared == shared) return &h;
  return nullptr;
}

void LeakChecker::on_event(sched::Execution&, const Event& e) {
  switch (e.op) {
    case OpKind::Spawn:
      // A process's first thread is settled by the process's join, not its own.
      if (e.peer != sched::kNoThread && e.object.kind != sched::ObjectKind::Process)
        spawned_.push_back({e.peer, e.where, false});
      return;
    case OpKind::Join:
    case OpKind::Detach:
      for (Spawned& s : spawned_)
        if (s.thread == e.object.index) s.settled = true;
      return;
    case OpKind::Lock:
    case OpKind::TryLock:
    case OpKind::LockShared:
    case OpKind::TryLockShared: {
      if (!sched::is_lock(e.object.kind) || e.failed()) return;
      const bool shared = e.op == OpKind::LockShared || e.op == OpKind::TryLockShared;
      if (Held* h = find(e.object, e.thread, shared)) {
        ++h->count;
        h->where = e.where;
      } else {
        held_.push_back({e.object, e.thread, shared, 1, e.where});
      }
      return;
    }
    case OpKind::Unlock:
    case OpKind::UnlockShared: {
      if (!sched::is_lock(e.object.kind)) return;
      Held* h = find(e.object, e.thread, e.op == OpKind::UnlockShared);
      if (h && --h->count == 0) {
        *h = held_.back();
        held_.pop_back();
      }
      return;
    }
    default:
      return;
  }
}

namespace {
// ended_with_its_process: the thread's process was killed, crashed or
// exited, which ended the thread wherever it was; its locks and its thread
// object went with the process's memory.
bool ended_with_its_process(const sched::Execution& x, sched::ThreadId t) {
  return x.death_of(x.process_of(t)) != sched::Death::None;
}
}  // namespace

void LeakChecker::end(sched::Execution& x) {
  // A failed or discarded execution has its own outcome; a stopped one was
  // ended by the program (exit), which ends threads and releases locks.
  if (x.outcome() != sched::Outcome::Completed) return;
  for (const Held& h : held_) {
    if (ended_with_its_process(x, h.thread)) continue;
    x.fail(sched::Verdict::Misuse,
           "T" + std::to_string(h.thread) + " ended holding " + sched::object_name(h.lock) +
               (h.shared ? " shared" : "") + at(h.where) + ": a real program's next locker would wait forever",
           h.where);
    return;
  }
  for (const Spawned& s : spawned_) {
    if (s.settled || ended_with_its_process(x, s.thread)) continue;
    x.fail(sched::Verdict::Misuse,
           "T" + std::to_string(s.thread) +
               " was never joined or detached by the end of the execution (std::thread would call std::terminate)",
           s.where);
    return;
  }
}

}  // namespace weft::checkers
