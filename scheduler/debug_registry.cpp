#include "scheduler/debug_registry.h"

#include <boost/version.hpp>

#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "scheduler/execution.h"
#include "scheduler/trace.h"

// The layout is what debuggers read (harness/gdb/weft.py unpacks it).
static_assert(sizeof(void*) != 8 || (sizeof(weft_debug_thread) == 64 && offsetof(weft_debug_thread, context) == 40));
static_assert(sizeof(void*) != 8 || (sizeof(weft_debug_registry) == 64 && offsetof(weft_debug_registry, threads) == 56));

// The registry is global by nature: a debugger finds it by its symbol.
weft_debug_registry weft_debug = {1, BOOST_VERSION, 0, 0, 0xffffffffu, 0, 0, 0, 0, 0, nullptr};

namespace weft::sched {

namespace {

// Strings is what the registry's pointers point to, until the next refresh.
struct Strings {
  std::vector<weft_debug_thread> threads;
  std::vector<std::string> text;  // four per thread: operation, object, location, waits
};
Strings& strings() {
  static Strings s;
  return s;
}

// not_started: the thread never reached a scheduling point, so it has no
// pending operation nor frames of its own yet.
bool not_started(const ThreadView& v) { return v.op == OpKind::Yield && v.where.line == 0; }

std::uint32_t state_code(const ThreadView& v) {
  switch (v.state) {
    case ThreadView::State::Running: return 0;
    case ThreadView::State::Blocked: return 2;
    case ThreadView::State::Finished: return 3;
    case ThreadView::State::Runnable: break;
  }
  return not_started(v) ? 4 : 1;
}

std::string waits_text(const ThreadView& v) {
  std::string out;
  for (ThreadId t : v.waits_for) out += (out.empty() ? "" : ", ") + thread_name(t);
  if (!v.detail.empty()) out += (out.empty() ? "" : " ") + v.detail;
  if (v.timed) out += out.empty() ? "a deadline" : " or a deadline";
  return out;
}

void refresh(const Execution& x) {
  Strings& s = strings();
  const std::vector<ThreadView> views = x.thread_views();
  s.text.clear();
  s.text.reserve(views.size() * 4);  // no reallocation: the threads point into it
  s.threads.assign(views.size(), weft_debug_thread{});
  for (std::size_t i = 0; i < views.size(); ++i) {
    const ThreadView& v = views[i];
    weft_debug_thread& d = s.threads[i];
    d.id = v.id;
    d.state = state_code(v);
    const bool has_op = !not_started(v);
    s.text.push_back(has_op ? operation_name(v.op, v.object.kind) : "");
    d.operation = s.text.back().c_str();
    s.text.push_back(has_op ? object_name(v.object) : "");
    d.object = s.text.back().c_str();
    s.text.push_back(v.where.line ? std::string(base_name(v.where.file)) + ":" + std::to_string(v.where.line) : "");
    d.location = s.text.back().c_str();
    s.text.push_back(v.state == ThreadView::State::Blocked ? waits_text(v) : "");
    d.waits = s.text.back().c_str();
    const Fiber& fiber = x.fiber_of(v.id);
    d.context = fiber.saved_context();
    d.stack_low = fiber.stack().base ? fiber.stack().base + fiber.stack().guard : nullptr;
    d.stack_high = fiber.stack().base ? fiber.stack().top() : nullptr;
  }
  weft_debug.live = 1;
  weft_debug.current = x.on_fiber() ? x.current() : 0xffffffffu;
  weft_debug.step = x.steps();
  weft_debug.break_step = x.break_step();
  weft_debug.execution = x.index();
  weft_debug.thread_count = static_cast<std::uint32_t>(s.threads.size());
  weft_debug.threads = s.threads.data();
  ++weft_debug.refreshes;
}

// debugger_attached: is this process traced (gdb, lldb, strace)?
bool debugger_attached() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return false;
  char line[256];
  bool traced = false;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "TracerPid:", 10) == 0) {
      traced = std::strtol(line + 10, nullptr, 10) != 0;
      break;
    }
  }
  std::fclose(f);
  return traced;
}

}  // namespace

void debug_break(const Execution& x) {
  refresh(x);
  const weft_debug_thread& t = weft_debug.threads[x.current()];
  // A thread's first step starts it; its first operation comes at a later step.
  std::string what = *t.operation ? std::string(t.operation) : "it starts (at the top of its function)";
  if (*t.object) what += std::string(" ") + t.object;
  if (*t.location) what += std::string(" (") + t.location + ")";
  std::fprintf(stderr, "weft: break at step %llu (WEFT_BREAK, Options::break_at): T%u takes it: %s\n",
               static_cast<unsigned long long>(x.steps()), t.id, what.c_str());
  if (!debugger_attached()) {
    std::fprintf(stderr,
                 "weft: no debugger is attached, so the replay goes on; run it under gdb to stop there "
                 "(docs/replaying.md#debugging-a-replay)\n");
    return;
  }
  std::fprintf(stderr,
               "weft: stopping in the debugger; with weft's gdb extension, `weft threads` lists the threads and "
               "`weft thread N` shows T<N>'s stack\n");
  std::fflush(stderr);
  weft_debug_stop();
}

void debug_break_missed(std::uint64_t break_step, std::uint64_t steps) {
  std::fprintf(stderr, "weft: the replay ended after %llu steps, before its break step %llu (WEFT_BREAK)\n",
               static_cast<unsigned long long>(steps), static_cast<unsigned long long>(break_step));
}

}  // namespace weft::sched

extern "C" int weft_debug_refresh(void) {
  using weft::sched::Execution;
  const Execution* x = Execution::bound();
  if (!x || x->thread_count() == 0) {
    weft_debug.live = 0;
    weft_debug.thread_count = 0;
    weft_debug.current = 0xffffffffu;
    ++weft_debug.refreshes;
    return -1;
  }
  const Execution::Uncontrolled uncontrolled;
  weft::sched::refresh(*x);
  return static_cast<int>(weft_debug.thread_count);
}

extern "C" __attribute__((noinline)) void weft_debug_stop(void) {
#if defined(__x86_64__) || defined(__i386__)
  // The debugger stops here, in this frame; it does not pass the SIGTRAP
  // on when the process continues.
  __asm__ volatile("int3\n\tnop");
#else
  std::raise(SIGTRAP);
#endif
}
