#include "watchdog.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <unwind.h>
#include <valgrind/valgrind.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "scheduler/trace.h"
#include "source_lines.h"

namespace weft::detail {

namespace {
// kSignal is sent to the stuck thread: one no test is expected to use.
const int kSignal = SIGXCPU;
constexpr unsigned kStretchUnderValgrind = 20;
constexpr int kStackFrames = 12;
constexpr auto kLongestTick = std::chrono::milliseconds(250);

// The execution this OS thread runs under a watchdog, and its timeout, for
// the signal handler, which acts only for that one.
thread_local const sched::Execution* watched_here = nullptr;
thread_local unsigned watched_seconds = 0;

// Monitor is the process's watching thread and the executions it guards.
// It is never destroyed: a test binary may exit while it sleeps.
class Monitor {
 public:
  static Monitor& get() {
    static Monitor* monitor = new Monitor;
    return *monitor;
  }

  void add(Watchdog::Watch& w) {
    const std::lock_guard<std::mutex> hold(guard_);
    w.next = first_;
    first_ = &w;
    if (!started_) {
      started_ = true;
      // weft's own thread, not the program's: under weft::interpose, thread
      // creation outside an execution goes to the real pthread_create.
      const sched::Execution::Uncontrolled weft_itself;
      std::thread([this] { watch(); }).detach();
    }
    wake_.notify_one();
  }

  void remove(Watchdog::Watch& w) {
    const std::lock_guard<std::mutex> hold(guard_);
    for (Watchdog::Watch** at = &first_; *at; at = &(*at)->next) {
      if (*at == &w) {
        *at = w.next;
        return;
      }
    }
  }

 private:
  void watch() {
    using Clock = std::chrono::steady_clock;
    std::unique_lock<std::mutex> hold(guard_);
    for (;;) {
      if (!first_) {
        wake_.wait(hold, [this] { return first_ != nullptr; });
        continue;
      }
      auto tick = kLongestTick;
      for (const Watchdog::Watch* w = first_; w; w = w->next)
        tick = std::min(tick, w->timeout / 4 + std::chrono::milliseconds(1));
      wake_.wait_for(hold, tick);
      const auto now = Clock::now();
      for (Watchdog::Watch* w = first_; w; w = w->next) {
        // Racy reads of counters the running thread writes: a stale value
        // only delays the watchdog by a tick.
        const std::uint64_t operations = w->execution->operations();
        const std::uint64_t generation = w->execution->generation();
        if (operations != w->last_operations || generation != w->last_generation) {
          w->last_operations = operations;
          w->last_generation = generation;
          w->since = now;
        } else if (now - w->since >= w->timeout) {
          ::syscall(SYS_tgkill, ::getpid(), w->runner, kSignal);
          w->since = now;  // once per timeout, whatever the thread does with it
        }
      }
    }
  }

  std::mutex guard_;
  std::condition_variable wake_;
  Watchdog::Watch* first_ = nullptr;
  bool started_ = false;
};

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

std::string hex(std::uintptr_t pc) {
  static const char* digits = "0123456789abcdef";
  std::string text;
  do text.insert(text.begin(), digits[pc & 15]); while (pc >>= 4);
  return "0x" + text;
}

// stack_text is the stuck thread's stack, innermost first, as file:line
// where the debug information says (function addresses otherwise); the
// handler's own frames are left out.
std::string stack_text() {
  // Not on the stack: the handler runs on the signal stack, whose memory
  // AddressSanitizer may still hold poisoned from a fiber's frames.
  static Frames f;
  f.count = 0;
  _Unwind_Backtrace(&note_frame, &f);
  std::string text;
  for (int i = 2; i < f.count; ++i) {  // past stack_text and the handler
    const char* file = nullptr;
    unsigned line = 0;
    text += "\n    ";
    text += source_line(f.pcs[i] - 1, file, line) ? std::string(file) + ":" + std::to_string(line) : hex(f.pcs[i]);
  }
  return text;
}

// on_timeout runs on the stuck weft thread's OS thread, interrupting it
// (a blocking call returns into it with EINTR once the thread is gone).
// Not instrumented by AddressSanitizer, as the crash handler: it ends on a
// fiber's stack by a call that does not return, and ASan's check before
// such a call cannot find which stack that is.
__attribute__((no_sanitize("address"))) void on_timeout(int) {
  sched::Execution* x = sched::Execution::bound();
  if (!x || x != watched_here || !x->on_fiber()) return;  // it moved on meanwhile
  if (sched::Execution::active() != x) return;           // weft's own work (reading line tables)
  {
    const sched::Execution::Uncontrolled weft_itself;
    const sched::ThreadId t = x->current();
    const sched::ObjectRef object = x->pending_object(t);
    x->fail_later(sched::Verdict::Hang,
                  "watchdog: " + sched::thread_name(t) + " reached no scheduling point for " +
                      std::to_string(watched_seconds) +
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

void install_handler() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = &on_timeout;
    action.sa_flags = SA_ONSTACK;  // no SA_RESTART: a blocking call is interrupted
    sigemptyset(&action.sa_mask);
    ::sigaction(kSignal, &action, nullptr);
    return true;
  }();
  (void)installed;
}
}  // namespace

Watchdog::Watchdog(const sched::Execution& execution, unsigned seconds) {
  if (seconds == 0) return;
  install_handler();
  outer_ = watched_here;
  outer_seconds_ = watched_seconds;
  watched_here = &execution;
  watched_seconds = seconds;
  watch_.execution = &execution;
  watch_.runner = static_cast<pid_t>(::syscall(SYS_gettid));
  watch_.timeout = std::chrono::milliseconds(std::uint64_t{seconds} * 1000 *
                                             (RUNNING_ON_VALGRIND ? kStretchUnderValgrind : 1));
  watch_.since = std::chrono::steady_clock::now();
  const sched::Execution::Uncontrolled weft_itself;
  Monitor::get().add(watch_);
  registered_ = true;
}

Watchdog::~Watchdog() {
  if (!registered_) return;
  const sched::Execution::Uncontrolled weft_itself;
  Monitor::get().remove(watch_);
  watched_here = outer_;
  watched_seconds = outer_seconds_;
}

}  // namespace weft::detail
