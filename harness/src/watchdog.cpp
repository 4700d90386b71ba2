#include "watchdog.h"

#include <signal.h>
#include <unwind.h>
#include <valgrind/valgrind.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "scheduler/trace.h"
#include "source_lines.h"

namespace weft::detail {

namespace {
// kSignal is sent to the stuck thread: one no test is expected to use.
const int kSignal = SIGXCPU;
constexpr unsigned kStretchUnderValgrind = 20;
constexpr int kStackFrames = 12;

// The guarded execution and its timeout, for the signal handler: one
// exploration runs per OS thread, and the handler only acts for this one.
std::atomic<const sched::Execution*> watched{nullptr};
std::atomic<unsigned> watched_seconds{0};

struct Frames {
  std::uintptr_t pcs[kStackFrames + 4];
  int count = 0;
};

_Unwind_Reason_Code note_frame(_Unwind_Context* context, void* arg) {
  auto& f = *static_cast<Frames*>(arg);
  if (f.count == kStackFrames + 4) return _URC_END_OF_STACK;
  f.pcs[f.count++] = _Unwind_GetIP(context);
  return _URC_NO_REASON;
}

// stack_text is the stuck thread's stack, innermost first, as file:line
// where the debug information says (function addresses otherwise); the
// handler's own frames and those below the fiber's entry are left out.
std::string stack_text() {
  Frames f;
  _Unwind_Backtrace(&note_frame, &f);
  std::string text;
  for (int i = 2; i < f.count; ++i) {  // past stack_text and the handler
    const char* file = nullptr;
    unsigned line = 0;
    text += "\n    ";
    if (source_line(f.pcs[i] - 1, file, line))
      text += std::string(file) + ":" + std::to_string(line);
    else
      text += "0x" + [](std::uintptr_t pc) {
        static const char* digits = "0123456789abcdef";
        std::string hex;
        do hex.insert(hex.begin(), digits[pc & 15]); while (pc >>= 4);
        return hex;
      }(f.pcs[i]);
  }
  return text;
}

// on_timeout runs on the stuck weft thread's OS thread, interrupting it
// (a blocking call returns into it with EINTR once the thread is gone).
void on_timeout(int) {
  sched::Execution* x = sched::Execution::bound();
  if (!x || x != watched.load() || !x->on_fiber()) return;  // it moved on meanwhile
  if (sched::Execution::active() != x) return;              // weft's own work (reading line tables)
  {
    const sched::Execution::Uncontrolled weft_itself;
    const sched::ThreadId t = x->current();
    const sched::ObjectRef object = x->pending_object(t);
    x->fail_later(sched::Verdict::Hang,
                  "watchdog: " + sched::thread_name(t) + " reached no scheduling point for " +
                      std::to_string(watched_seconds.load()) +
                      " s (code weft does not see: an uninstrumented loop, a blocking system call, a real lock); "
                      "its last weft operation was " +
                      sched::operation_name(x->pending_op(t), object.kind) + "; its stack:" + stack_text());
  }
  sigset_t unblock;
  sigemptyset(&unblock);
  sigaddset(&unblock, kSignal);
  ::pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);
  x->drop_current();
}
}  // namespace

Watchdog::Watchdog(const sched::Execution& execution, unsigned seconds)
    : execution_(execution),
      milliseconds_(seconds * 1000 * (RUNNING_ON_VALGRIND ? kStretchUnderValgrind : 1)),
      runner_(::pthread_self()) {
  if (seconds == 0) return;
  watched.store(&execution);
  watched_seconds.store(seconds);
  struct sigaction action {};
  action.sa_handler = &on_timeout;
  action.sa_flags = SA_ONSTACK;  // no SA_RESTART: a blocking call is interrupted
  sigemptyset(&action.sa_mask);
  ::sigaction(kSignal, &action, nullptr);
  // weft's own thread, not the program's: under weft::interpose, thread
  // creation outside an execution goes to the real pthread_create.
  const sched::Execution::Uncontrolled weft_itself;
  thread_ = std::thread([this] { watch(); });
}

Watchdog::~Watchdog() {
  if (!thread_.joinable()) return;
  {
    const std::lock_guard<std::mutex> hold(guard_);
    done_ = true;
  }
  wake_.notify_one();
  const sched::Execution::Uncontrolled weft_itself;
  thread_.join();
  watched.store(nullptr);
}

void Watchdog::watch() {
  using Clock = std::chrono::steady_clock;
  const auto tick = std::chrono::milliseconds(std::min(milliseconds_ / 4 + 1, 250u));
  std::uint64_t last_operations = ~std::uint64_t{0};
  std::uint64_t last_generation = 0;
  auto since = Clock::now();
  std::unique_lock<std::mutex> hold(guard_);
  while (!wake_.wait_for(hold, tick, [this] { return done_; })) {
    // Racy reads of counters the running thread writes: a stale value only
    // delays the watchdog by a tick.
    const std::uint64_t operations = execution_.operations();
    const std::uint64_t generation = execution_.generation();
    const auto now = Clock::now();
    if (operations != last_operations || generation != last_generation) {
      last_operations = operations;
      last_generation = generation;
      since = now;
      continue;
    }
    if (now - since >= std::chrono::milliseconds(milliseconds_)) {
      ::pthread_kill(runner_, kSignal);
      since = now;  // once per timeout, whatever the thread does with it
    }
  }
}

}  // namespace weft::detail
