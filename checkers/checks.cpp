#include "checkers/checks.h"

#include <string>

#include "scheduler/trace.h"

namespace weft::checkers {

namespace {
std::string taken_at(sched::Location where) {
  if (!where.line) return "";
  return " (taken at " + std::string(sched::base_name(where.file)) + ":" + std::to_string(where.line) + ")";
}

// ended_with_its_process: the thread's process was killed, crashed or
// exited, which ended the thread wherever it was; its locks and its thread
// object went with the process's memory.
bool ended_with_its_process(const sched::Execution& x, sched::ThreadId t) {
  return x.death_of(x.process_of(t)) != sched::Death::None;
}
}  // namespace

void Checks::begin(sched::Execution& x) {
  held_.begin();
  spawned_.clear();
  if (races_) races_->begin();
  if (lock_order_) lock_order_->begin(x.index());
}

void Checks::end(sched::Execution& x) {
  if (lock_order_) lock_order_->end();
  // A failed or discarded execution has its own outcome; a stopped one was
  // ended by the program (exit), which ends threads and releases locks.
  if (x.outcome() != sched::Outcome::Completed) return;
  for (sched::ThreadId t = 0; t < held_.threads(); ++t) {
    if (held_.of(t).empty() || ended_with_its_process(x, t)) continue;
    const HeldLock& h = held_.of(t).front();
    x.fail(sched::Verdict::Misuse,
           "T" + std::to_string(t) + " ended holding " + sched::object_name(h.lock) + (h.shared ? " shared" : "") +
               taken_at(h.where) + ": a real program's next locker would wait forever",
           h.where);
    return;
  }
  for (sched::ThreadId t = 0; t < spawned_.size(); ++t) {
    const Spawned& s = spawned_[t];
    if (!s.started || s.settled || ended_with_its_process(x, t)) continue;
    x.fail(sched::Verdict::Misuse,
           "T" + std::to_string(t) +
               " was never joined or detached by the end of the execution (std::thread would call std::terminate)",
           s.where);
    return;
  }
}

}  // namespace weft::checkers
