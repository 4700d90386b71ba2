#include "checkers/deadlock.h"

#include <algorithm>

#include "scheduler/trace.h"

namespace weft::checkers {

using sched::ThreadId;
using sched::ThreadView;

namespace {
std::string thread_list(const std::vector<ThreadId>& ts, const char* glue) {
  std::string out;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (i) out += (i + 1 == ts.size()) ? glue : ", ";
    out += "T" + std::to_string(ts[i]);
  }
  return out;
}

// find_cycle follows wait-for edges from `start`; it returns the threads of
// the first cycle it reaches, in order, or nothing.
std::vector<ThreadId> find_cycle(const std::vector<ThreadView>& threads, ThreadId start) {
  std::vector<ThreadId> path;
  std::vector<int> state(threads.size(), 0);  // 0 unseen, 1 on path, 2 done
  std::vector<ThreadId> cycle;
  auto dfs = [&](auto&& self, ThreadId t) -> bool {
    state[t] = 1;
    path.push_back(t);
    if (threads[t].state == ThreadView::State::Blocked) {
      for (ThreadId next : threads[t].waits_for) {
        if (next >= threads.size()) continue;
        if (state[next] == 1) {
          cycle.assign(std::find(path.begin(), path.end(), next), path.end());
          return true;
        }
        if (state[next] == 0 && self(self, next)) return true;
      }
    }
    path.pop_back();
    state[t] = 2;
    return false;
  };
  dfs(dfs, start);
  return cycle;
}

// waits_for_messages: every blocked thread waits on message passing.
bool waits_for_messages(const std::vector<ThreadView>& threads) {
  bool any = false;
  for (const ThreadView& v : threads) {
    if (v.state != ThreadView::State::Blocked) continue;
    if (!sched::is_channel(v.object.kind) && v.object.kind != sched::ObjectKind::Process) return false;
    any = true;
  }
  return any;
}
}  // namespace

std::string describe_wait(const ThreadView& v) {
  std::string out = sched::operation_name(v.op, v.object.kind);
  const std::string object = sched::object_name(v.object);
  if (!object.empty()) out += " on " + object;
  if (!v.detail.empty()) out += " " + v.detail;
  if (v.object.kind != sched::ObjectKind::Thread && !v.waits_for.empty())
    out += ", held by " + thread_list(v.waits_for, " and ");
  if (v.timed) out += " (timed)";
  return out;
}

std::string explain_deadlock(const std::vector<ThreadView>& threads) {
  std::vector<ThreadId> cycle;
  for (const ThreadView& v : threads) {
    if (v.state != ThreadView::State::Blocked) continue;
    cycle = find_cycle(threads, v.id);
    if (!cycle.empty()) break;
  }
  std::string out = "deadlock: no thread can run";
  if (!cycle.empty()) {
    out += "; " + thread_list(cycle, " and ") + (cycle.size() == 1 ? " waits for itself" : " wait for each other") +
           " (cycle ";
    for (ThreadId t : cycle) out += "T" + std::to_string(t) + " -> ";
    out += "T" + std::to_string(cycle.front()) + ")";
  } else if (waits_for_messages(threads)) {
    out += "; every waiting thread waits for a message, a slot or a process that nothing left running will provide";
  } else {
    out += "; nothing left running can wake the waiting threads";
  }
  for (const ThreadView& v : threads) {
    if (v.state != ThreadView::State::Blocked) continue;
    out += "\n  T" + std::to_string(v.id);
    if (!v.process.empty()) out += " (process " + v.process + ")";
    out += " waits in " + describe_wait(v);
    if (v.where.line) out += " at " + std::string(sched::base_name(v.where.file)) + ":" + std::to_string(v.where.line);
  }
  return out;
}

}  // namespace weft::checkers
