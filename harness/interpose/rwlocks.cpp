// pthread_rwlock_*: weft shared mutexes.

#include <pthread.h>
#include <time.h>

#include <cerrno>

#include "clocks.h"
#include "forwarding.h"
#include "twins.h"

namespace weft::interpose {

namespace {
constinit Real<int (*)(pthread_rwlock_t*, const pthread_rwlockattr_t*)> real_init{"pthread_rwlock_init"};
constinit Real<int (*)(pthread_rwlock_t*)> real_destroy{"pthread_rwlock_destroy"};
constinit Real<int (*)(pthread_rwlock_t*)> real_rdlock{"pthread_rwlock_rdlock"};
constinit Real<int (*)(pthread_rwlock_t*)> real_tryrdlock{"pthread_rwlock_tryrdlock"};
constinit Real<int (*)(pthread_rwlock_t*, const timespec*)> real_timedrdlock{"pthread_rwlock_timedrdlock"};
constinit Real<int (*)(pthread_rwlock_t*, clockid_t, const timespec*)> real_clockrdlock{"pthread_rwlock_clockrdlock"};
constinit Real<int (*)(pthread_rwlock_t*)> real_wrlock{"pthread_rwlock_wrlock"};
constinit Real<int (*)(pthread_rwlock_t*)> real_trywrlock{"pthread_rwlock_trywrlock"};
constinit Real<int (*)(pthread_rwlock_t*, const timespec*)> real_timedwrlock{"pthread_rwlock_timedwrlock"};
constinit Real<int (*)(pthread_rwlock_t*, clockid_t, const timespec*)> real_clockwrlock{"pthread_rwlock_clockwrlock"};
constinit Real<int (*)(pthread_rwlock_t*)> real_unlock{"pthread_rwlock_unlock"};

class PthreadRwlock : public shared_timed_mutex {
 public:
  using shared_mutex::lock_until;
};

// RwlockTwin remembers its writer: pthread_rwlock_unlock releases either
// kind of hold, and only the writer's is exclusive.
struct RwlockTwin : Twin {
  static constexpr Kind kKind = Kind::Rwlock;
  RwlockTwin() : Twin(kKind) { lock.emplace(); }
  void destroy() override { lock.reset(); }
  std::optional<PthreadRwlock> lock;
  ThreadId writer = sched::kNoThread;
};

RwlockTwin& twin(Execution& x, pthread_rwlock_t* rw) {
  return table_of(x).twin<RwlockTwin>(rw, [&] { return make_twin<RwlockTwin>(x); });
}

// took notes a successful acquisition; false if the execution is ending.
bool took(Execution& x, RwlockTwin& t, bool exclusive, bool ok) {
  leave_if_ending(x);
  if (ok && exclusive && !x.aborting()) t.writer = x.current();
  return ok;
}

int lock(Execution& x, pthread_rwlock_t* rw, bool exclusive) {
  RwlockTwin& t = twin(x, rw);
  deferred(x, [&] { exclusive ? t.lock->lock(kNowhere) : t.lock->lock_shared(kNowhere); });
  took(x, t, exclusive, true);
  return 0;
}

int try_lock(Execution& x, pthread_rwlock_t* rw, bool exclusive) {
  RwlockTwin& t = twin(x, rw);
  const bool ok =
      deferred(x, [&] { return exclusive ? t.lock->try_lock(kNowhere) : t.lock->try_lock_shared(kNowhere); });
  return took(x, t, exclusive, ok) ? 0 : EBUSY;
}

int lock_until(Execution& x, pthread_rwlock_t* rw, bool exclusive, clockid_t clock, const timespec* at) {
  if (!clock_base(clock) || !valid(*at)) return EINVAL;
  RwlockTwin& t = twin(x, rw);
  const bool ok = deferred(x, [&] { return t.lock->lock_until(deadline_on(clock, *at), exclusive, kNowhere); });
  return took(x, t, exclusive, ok) || x.aborting() ? 0 : ETIMEDOUT;
}

int unlock(Execution& x, pthread_rwlock_t* rw) {
  RwlockTwin& t = twin(x, rw);
  if (t.writer == x.current()) {
    t.writer = sched::kNoThread;
    deferred(x, [&] { t.lock->unlock(kNowhere); });
  } else {
    deferred(x, [&] { t.lock->unlock_shared(kNowhere); });  // Misuse unless it holds it shared
  }
  return 0;
}
}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int pthread_rwlock_init(pthread_rwlock_t* rw, const pthread_rwlockattr_t* attr) noexcept {
  return reinitialise(rw, real_init, rw, attr);
}
int pthread_rwlock_destroy(pthread_rwlock_t* rw) noexcept { return reinitialise(rw, real_destroy, rw); }

int pthread_rwlock_rdlock(pthread_rwlock_t* rw) noexcept {
  Execution* x = controlling();
  return x ? lock(*x, rw, false) : real_rdlock(rw);
}
int pthread_rwlock_tryrdlock(pthread_rwlock_t* rw) noexcept {
  Execution* x = controlling();
  return x ? try_lock(*x, rw, false) : real_tryrdlock(rw);
}
int pthread_rwlock_timedrdlock(pthread_rwlock_t* rw, const timespec* at) noexcept {
  Execution* x = controlling();
  return x ? lock_until(*x, rw, false, CLOCK_REALTIME, at) : real_timedrdlock(rw, at);
}
int pthread_rwlock_clockrdlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* at) noexcept {
  Execution* x = controlling();
  return x ? lock_until(*x, rw, false, clock, at) : real_clockrdlock(rw, clock, at);
}
int pthread_rwlock_wrlock(pthread_rwlock_t* rw) noexcept {
  Execution* x = controlling();
  return x ? lock(*x, rw, true) : real_wrlock(rw);
}
int pthread_rwlock_trywrlock(pthread_rwlock_t* rw) noexcept {
  Execution* x = controlling();
  return x ? try_lock(*x, rw, true) : real_trywrlock(rw);
}
int pthread_rwlock_timedwrlock(pthread_rwlock_t* rw, const timespec* at) noexcept {
  Execution* x = controlling();
  return x ? lock_until(*x, rw, true, CLOCK_REALTIME, at) : real_timedwrlock(rw, at);
}
int pthread_rwlock_clockwrlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* at) noexcept {
  Execution* x = controlling();
  return x ? lock_until(*x, rw, true, clock, at) : real_clockwrlock(rw, clock, at);
}
int pthread_rwlock_unlock(pthread_rwlock_t* rw) noexcept {
  Execution* x = controlling();
  return x ? unlock(*x, rw) : real_unlock(rw);
}

}  // extern "C"
