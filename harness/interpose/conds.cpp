// pthread_cond_*: weft condition variables, waiting on weft mutexes.

#include <pthread.h>
#include <time.h>

#include <cerrno>

#include "clocks.h"
#include "forwarding.h"
#include "twins.h"

namespace weft::interpose {

namespace {
// The current pthread_cond_* are glibc's GLIBC_2.3.2 versions; a plain
// lookup may find the older ones, whose condition variable is another type.
constexpr const char* kCondVersion = "GLIBC_2.3.2";
constinit Real<int (*)(pthread_cond_t*, const pthread_condattr_t*)> real_init{"pthread_cond_init", kCondVersion};
constinit Real<int (*)(pthread_cond_t*)> real_destroy{"pthread_cond_destroy", kCondVersion};
constinit Real<int (*)(pthread_cond_t*, pthread_mutex_t*)> real_wait{"pthread_cond_wait", kCondVersion};
constinit Real<int (*)(pthread_cond_t*, pthread_mutex_t*, const timespec*)> real_timedwait{"pthread_cond_timedwait",
                                                                                            kCondVersion};
constinit Real<int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*)> real_clockwait{
    "pthread_cond_clockwait"};
constinit Real<int (*)(pthread_cond_t*)> real_signal{"pthread_cond_signal", kCondVersion};
constinit Real<int (*)(pthread_cond_t*)> real_broadcast{"pthread_cond_broadcast", kCondVersion};

// PthreadCond is a weft condition variable that waits on any weft mutex.
class PthreadCond : public detail::CondvarBase {
 public:
  static constexpr std::int64_t kForever = kNoDeadline;
  using CondvarBase::wait_on;
};

struct CondTwin : Twin {
  static constexpr Kind kKind = Kind::Cond;
  CondTwin() : Twin(kKind) { cond.emplace(); }
  void destroy() override { cond.reset(); }
  std::optional<PthreadCond> cond;
};

CondTwin& cond_twin(Execution& x, pthread_cond_t* c) {
  return table_of(x).twin<CondTwin>(c, [&] { return make_twin<CondTwin>(x); });
}

// clock_of is the clock pthread_cond_timedwait measures `c`'s deadlines on:
// glibc keeps pthread_condattr_setclock's choice in bit 1 of __wrefs.
clockid_t clock_of(const pthread_cond_t* c) noexcept {
  return (c->__data.__wrefs & 2) != 0 ? CLOCK_MONOTONIC : CLOCK_REALTIME;
}

int wait(Execution& x, pthread_cond_t* c, pthread_mutex_t* m, std::int64_t deadline) {
  CondTwin& cv = cond_twin(x, c);
  MutexTwin& mutex = mutex_twin(x, m);
  const bool woken = deferred(x, [&] { return cv.cond->wait_on(*mutex.mutex, deadline, kNowhere); });
  leave_if_ending(x);
  return woken || x.aborting() ? 0 : ETIMEDOUT;
}

int wait_until(Execution& x, pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock, const timespec* at) {
  if (!clock_base(clock) || !valid(*at)) return EINVAL;
  return wait(x, c, m, deadline_on(clock, *at));
}

}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* attr) noexcept {
  return reinitialise(c, real_init, c, attr);
}

int pthread_cond_destroy(pthread_cond_t* c) noexcept { return reinitialise(c, real_destroy, c); }

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  Execution* x = controlling();
  return x ? wait(*x, c, m, PthreadCond::kForever) : real_wait(c, m);
}

int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* at) {
  Execution* x = controlling();
  return x ? wait_until(*x, c, m, clock_of(c), at) : real_timedwait(c, m, at);
}

int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock, const timespec* at) {
  Execution* x = controlling();
  return x ? wait_until(*x, c, m, clock, at) : real_clockwait(c, m, clock, at);
}

int pthread_cond_signal(pthread_cond_t* c) noexcept {
  Execution* x = controlling();
  if (!x) return real_signal(c);
  CondTwin& cv = cond_twin(*x, c);
  deferred(*x, [&] { cv.cond->notify_one(kNowhere); });
  return 0;
}

int pthread_cond_broadcast(pthread_cond_t* c) noexcept {
  Execution* x = controlling();
  if (!x) return real_broadcast(c);
  CondTwin& cv = cond_twin(*x, c);
  deferred(*x, [&] { cv.cond->notify_all(kNowhere); });
  return 0;
}

}  // extern "C"
