// syscall(): the futex calls libstdc++ makes for C++20 atomic wait/notify,
// std::counting_semaphore, std::latch, std::barrier, std::future and static
// initialisation are waits and wakes on weft's scheduler; a few more system
// calls that sleep, yield or read a clock are routed to the interposed
// functions. Every other system call goes to the kernel.

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdarg>
#include <vector>

#include "clocks.h"
#include "forwarding.h"
#include "table.h"
#include "time_calls.h"

namespace weft::interpose {

namespace {
constinit Real<long (*)(long, long, long, long, long, long, long)> real_syscall{"syscall"};

// FutexTwin is a futex word's waiters, named like the atomic it belongs to
// ("atomic#2.wait").
struct FutexTwin : Twin {
  static constexpr Kind kKind = Kind::Futex;
  struct Waiter {
    ThreadId thread;
    std::uint32_t bits;
  };
  FutexTwin() : Twin(kKind) {}
  detail::ObjectRef ref;
  std::vector<Waiter> waiting;  // in arrival order, until a wake picks them

  bool waits(ThreadId t) const {
    return std::any_of(waiting.begin(), waiting.end(), [t](const Waiter& w) { return w.thread == t; });
  }
  void remove(ThreadId t) {
    waiting.erase(std::remove_if(waiting.begin(), waiting.end(), [t](const Waiter& w) { return w.thread == t; }),
                  waiting.end());
  }
};

FutexTwin& twin(Execution& x, const void* word) {
  return table_of(x).twin<FutexTwin>(word, [&] {
    FutexTwin* t = make_twin<FutexTwin>(x);
    t->ref = x.name_object(sched::ObjectKind::Atomic);
    x.bind_address(t->ref, word);
    return t;
  });
}

bool woken(const void* state, ThreadId self) noexcept { return !static_cast<const FutexTwin*>(state)->waits(self); }

long fail(int error) {
  errno = error;
  return -1;
}

// wait blocks while *word == expected until a wake picks the caller or the
// virtual clock reaches `deadline`.
long wait(Execution& x, const int* word, int expected, std::int64_t deadline, std::uint32_t bits) {
  if (bits == 0) return fail(EINVAL);
  // Comparing and joining the waiters is one step, as in the kernel: no
  // wake can fall in between.
  if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != expected) return fail(EAGAIN);
  FutexTwin& f = twin(x, word);
  {
    const sched::tsan::Unseen unseen;
    f.waiting.push_back({x.current(), bits});
  }
  detail::record_op(x, sched::OpKind::Wait, f.ref, kNowhere);
  sched::Blocker b;
  b.ready = &woken;
  b.state = &f;
  const sched::StepResult r = deferred(x, [&] { return x.step(sched::OpKind::Wait, f.ref, {}, &b, deadline); });
  if (r == sched::StepResult::Aborted) {
    f.remove(x.current());
    leave_if_ending(x);
    return 0;
  }
  if (r == sched::StepResult::TimedOut) {
    f.remove(x.current());
    detail::record_op(x, sched::OpKind::Wake, f.ref, kNowhere, sched::kTimedOut);
    return fail(ETIMEDOUT);
  }
  detail::record_op(x, sched::OpKind::Wake, f.ref, kNowhere,
                    deadline != sched::kNever ? sched::kTimed : 0);
  return 0;
}

// wake wakes up to `count` waiters whose bits meet `bits`; which ones, when
// fewer than all, is an explored choice (the kernel does not promise FIFO).
long wake(Execution& x, const int* word, int count, std::uint32_t bits) {
  if (bits == 0) return fail(EINVAL);
  FutexTwin& f = twin(x, word);
  const sched::OpKind op = count == 1 ? sched::OpKind::NotifyOne : sched::OpKind::NotifyAll;
  if (deferred(x, [&] { return x.release_step(op, f.ref, {}); }) == sched::StepResult::Aborted) return 0;
  std::vector<ThreadId> eligible;
  for (const FutexTwin::Waiter& w : f.waiting)
    if (w.bits & bits) eligible.push_back(w.thread);
  if (count <= 0) eligible.clear();
  long woke = 0;
  ThreadId last = sched::kNoThread;
  if (static_cast<std::size_t>(count) >= eligible.size()) {
    for (ThreadId t : eligible) f.remove(t);  // all of them: no choice to make
    woke = static_cast<long>(eligible.size());
    if (woke == 1) last = eligible.front();
  } else {
    for (; woke < count; ++woke) {
      const std::uint32_t pick = x.choose(static_cast<std::uint32_t>(eligible.size()));
      last = eligible[pick];
      eligible.erase(eligible.begin() + pick);
      f.remove(last);
    }
  }
  detail::record_op(x, op, f.ref, kNowhere, 0, woke == 1 ? last : sched::kNoThread);
  return woke;
}

long futex(Execution& x, long* a) {
  const auto* word = reinterpret_cast<const int*>(a[0]);
  const int op = static_cast<int>(a[1]);
  const int value = static_cast<int>(a[2]);
  const auto* timeout = reinterpret_cast<const timespec*>(a[3]);
  const auto bits = static_cast<std::uint32_t>(a[5]);
  switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:  // a relative timeout, on CLOCK_MONOTONIC
      if (timeout && !valid(*timeout)) return fail(EINVAL);
      return wait(x, word, value, timeout ? deadline_after(x.now(), *timeout) : sched::kNever, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:  // an absolute timeout, on the clock the flags name
      if (timeout && !valid(*timeout)) return fail(EINVAL);
      return wait(x, word, value,
                  timeout ? deadline_on((op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC, *timeout)
                          : sched::kNever,
                  bits);
    case FUTEX_WAKE:
      return wake(x, word, value, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET:
      return wake(x, word, value, bits);
    default:
      misuse(x, "makes futex operation " + std::to_string(op & FUTEX_CMD_MASK) +
                    ", which weft does not support (only wait and wake, with or without a bitset)");
      return fail(ENOSYS);
  }
}
}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

// Variadic like glibc's: every system call takes at most six arguments, in
// registers, and the unused ones are read and passed on as they are.
// Reading one that was not passed reads the caller's stack, which ASan
// must not take for an overflow.
__attribute__((no_sanitize_address)) long syscall(long number, ...) noexcept {
  long a[6];
  va_list list;
  va_start(list, number);
  for (long& v : a) v = va_arg(list, long);
  va_end(list);
  if (Execution* x = controlling()) {
    switch (number) {
      case SYS_futex:
        return futex(*x, a);
      case SYS_sched_yield:
        yield(*x);
        return 0;
      case SYS_clock_gettime:
        if (const std::optional<std::int64_t> ns = virtual_now(static_cast<clockid_t>(a[0]))) {
          *reinterpret_cast<timespec*>(a[1]) = to_timespec(*ns);
          return 0;
        }
        break;
      case SYS_nanosleep:
        if (const int error = sleep_for(*x, *reinterpret_cast<const timespec*>(a[0]))) return fail(error);
        return 0;
      default:
        break;
    }
  }
  return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

}  // extern "C"
