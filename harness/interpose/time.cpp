// Virtual time and yields: clock_gettime, gettimeofday, time and
// timespec_get read the execution's virtual clock; nanosleep,
// clock_nanosleep, usleep and sleep wait on it; sched_yield, pthread_yield
// and zero-length sleeps are scheduling points that prefer another thread.

#include <pthread.h>
#include <sched.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "clocks.h"
#include "forwarding.h"
#include "table.h"
#include "time_calls.h"
#include "weft/thread.h"

namespace weft::interpose {

namespace {
constinit Real<int (*)(clockid_t, timespec*)> real_clock_gettime{"clock_gettime"};
constinit Real<int (*)(timeval*, void*)> real_gettimeofday{"gettimeofday"};
constinit Real<time_t (*)(time_t*)> real_time{"time"};
constinit Real<int (*)(timespec*, int)> real_timespec_get{"timespec_get"};
constinit Real<int (*)(const timespec*, timespec*)> real_nanosleep{"nanosleep"};
constinit Real<int (*)(clockid_t, int, const timespec*, timespec*)> real_clock_nanosleep{"clock_nanosleep"};
constinit Real<int (*)(useconds_t)> real_usleep{"usleep"};
constinit Real<unsigned (*)(unsigned)> real_sleep{"sleep"};

// A loop that reads the clock until some time has passed never reaches a
// scheduling point, and virtual time only moves when threads wait: after
// kSpinReads reads by one thread with no step in between, each further
// read waits kSpinStep of virtual time first, like a thread that spins.
constexpr unsigned kSpinReads = 64;
constexpr std::int64_t kSpinStep = 1'000'000;  // 1 ms

void spin_on_the_clock(Execution& x) {
  Table& table = table_of(x);
  const ThreadId me = x.current();
  if (table.clock_reads.size() <= me) {
    const sched::tsan::Unseen unseen;
    table.clock_reads.resize(me + 1);
  }
  Table::ClockReads& reads = table.clock_reads[me];
  if (reads.step != x.steps()) reads = {x.steps(), 0};
  if (++reads.count <= kSpinReads) return;
  sleep_until(x, x.now() + kSpinStep);
  reads = {x.steps(), kSpinReads};
}
}  // namespace

std::optional<std::int64_t> virtual_now(clockid_t clock) noexcept {
  Execution* x = controlling();
  if (!x) return std::nullopt;
  const std::optional<std::int64_t> base = clock_base(clock);
  if (!base) return std::nullopt;
  spin_on_the_clock(*x);
  return *base + x->now();
}

void yield(Execution& x) noexcept {
  deferred(x, [&] { weft::this_thread::yield(kNowhere); });
  leave_if_ending(x);
}

void sleep_until(Execution& x, std::int64_t deadline) noexcept {
  deferred(x, [&] { weft::this_thread::sleep_until_ns(deadline, kNowhere); });
  leave_if_ending(x);
}

int sleep_for(Execution& x, const timespec& span) noexcept {
  if (!valid(span) || span.tv_sec < 0) return EINVAL;
  if (span.tv_sec == 0 && span.tv_nsec == 0)
    yield(x);
  else
    sleep_until(x, deadline_after(x.now(), span));
  return 0;
}

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int clock_gettime(clockid_t clock, timespec* now) noexcept {
  const std::optional<std::int64_t> ns = virtual_now(clock);
  if (!ns) return real_clock_gettime(clock, now);
  *now = to_timespec(*ns);
  return 0;
}

int gettimeofday(timeval* now, void* zone) noexcept {
  const std::optional<std::int64_t> ns = virtual_now(CLOCK_REALTIME);
  if (!ns) return real_gettimeofday(now, zone);
  now->tv_sec = static_cast<time_t>(*ns / 1'000'000'000);
  now->tv_usec = static_cast<suseconds_t>(*ns % 1'000'000'000 / 1000);
  return 0;
}

time_t time(time_t* out) noexcept {
  const std::optional<std::int64_t> ns = virtual_now(CLOCK_REALTIME);
  if (!ns) return real_time(out);
  const auto seconds = static_cast<time_t>(*ns / 1'000'000'000);
  if (out) *out = seconds;
  return seconds;
}

int timespec_get(timespec* now, int base) noexcept {
  const std::optional<std::int64_t> ns = base == TIME_UTC ? virtual_now(CLOCK_REALTIME) : std::nullopt;
  if (!ns) return real_timespec_get(now, base);
  *now = to_timespec(*ns);
  return base;
}

int nanosleep(const timespec* span, timespec* left) {
  Execution* x = controlling();
  if (!x) return real_nanosleep(span, left);
  if (const int error = sleep_for(*x, *span)) {
    errno = error;
    return -1;
  }
  if (left) *left = timespec{};
  return 0;
}

int clock_nanosleep(clockid_t clock, int flags, const timespec* at, timespec* left) {
  Execution* x = controlling();
  if (!x || !clock_base(clock)) return real_clock_nanosleep(clock, flags, at, left);
  if ((flags & TIMER_ABSTIME) == 0) {
    if (left) *left = timespec{};
    return sleep_for(*x, *at);
  }
  if (!valid(*at)) return EINVAL;
  sleep_until(*x, deadline_on(clock, *at));
  return 0;
}

int usleep(useconds_t us) {
  Execution* x = controlling();
  if (!x) return real_usleep(us);
  sleep_for(*x, timespec{static_cast<time_t>(us / 1'000'000), static_cast<long>(us % 1'000'000) * 1000});
  return 0;
}

unsigned sleep(unsigned seconds) {
  Execution* x = controlling();
  if (!x) return real_sleep(seconds);
  sleep_for(*x, timespec{static_cast<time_t>(seconds), 0});
  return 0;
}

// __sched_yield is glibc's exported alias of sched_yield, which weft does
// not interpose.
int __sched_yield() noexcept;

int sched_yield() noexcept {
  Execution* x = controlling();
  // glibc's own name for it, not a looked-up forwarding target: LeakSanitizer
  // calls sched_yield at exit while it holds the allocator's lock, and a
  // first look-up (dlsym) allocates, which then waits for that lock forever.
  if (!x) return __sched_yield();
  yield(*x);
  return 0;
}

}  // extern "C"
