// pthread_mutex_* and pthread_spin_*: weft mutexes.

#include <pthread.h>
#include <time.h>

#include <cerrno>

#include "clocks.h"
#include "forwarding.h"
#include "mutex_state.h"
#include "twins.h"

namespace weft::interpose {

namespace {
constinit Real<int (*)(pthread_mutex_t*, const pthread_mutexattr_t*)> real_mutex_init{"pthread_mutex_init"};
constinit Real<int (*)(pthread_mutex_t*)> real_mutex_destroy{"pthread_mutex_destroy"};
constinit Real<int (*)(pthread_mutex_t*)> real_mutex_lock{"pthread_mutex_lock"};
constinit Real<int (*)(pthread_mutex_t*)> real_mutex_trylock{"pthread_mutex_trylock"};
constinit Real<int (*)(pthread_mutex_t*, const timespec*)> real_mutex_timedlock{"pthread_mutex_timedlock"};
constinit Real<int (*)(pthread_mutex_t*, clockid_t, const timespec*)> real_mutex_clocklock{"pthread_mutex_clocklock"};
constinit Real<int (*)(pthread_mutex_t*)> real_mutex_unlock{"pthread_mutex_unlock"};
constinit Real<int (*)(pthread_spinlock_t*, int)> real_spin_init{"pthread_spin_init"};
constinit Real<int (*)(pthread_spinlock_t*)> real_spin_destroy{"pthread_spin_destroy"};
constinit Real<int (*)(pthread_spinlock_t*)> real_spin_lock{"pthread_spin_lock"};
constinit Real<int (*)(pthread_spinlock_t*)> real_spin_trylock{"pthread_spin_trylock"};
constinit Real<int (*)(pthread_spinlock_t*)> real_spin_unlock{"pthread_spin_unlock"};

// glibc keeps a mutex's type in the low bits of __data.__kind (its
// PTHREAD_MUTEX_KIND_MASK_NP), which PTHREAD_*MUTEX_INITIALIZER* and
// pthread_mutex_init both set, and -1 there once it is destroyed.
constexpr int kKindMask = 3;
constexpr int kDestroyed = -1;

// key is a spin lock's address as the table keys it (the lock is volatile).
const void* key(pthread_spinlock_t* s) noexcept { return const_cast<const int*>(s); }

MutexTwin& spin_twin(Execution& x, pthread_spinlock_t* s) {
  return table_of(x).twin<MutexTwin>(key(s), [&] { return make_twin<MutexTwin>(x, false, false); });
}

// held_by_caller says whether the calling thread holds `t`'s mutex. Only
// that thread can make it so or undo it, so the answer needs no scheduling
// point to be the same in every interleaving.
bool held_by_caller(Execution& x, MutexTwin& t) {
  return weft::detail::MutexAccess::state(x, *t.mutex).owner == x.current();
}

int lock(Execution& x, MutexTwin& t) {
  if (t.error_checking && held_by_caller(x, t)) return EDEADLK;
  deferred(x, [&] { t.mutex->lock(kNowhere); });
  leave_if_ending(x);
  return 0;
}

int try_lock(Execution& x, MutexTwin& t) {
  const bool ok = deferred(x, [&] { return t.mutex->try_lock(kNowhere); });
  leave_if_ending(x);
  return ok ? 0 : EBUSY;
}

int lock_until(Execution& x, MutexTwin& t, clockid_t clock, const timespec* at) {
  if (!clock_base(clock) || !valid(*at)) return EINVAL;
  if (t.error_checking && held_by_caller(x, t)) return EDEADLK;
  const bool ok = deferred(x, [&] { return t.mutex->lock_until(deadline_on(clock, *at), kNowhere); });
  leave_if_ending(x);
  return ok || x.aborting() ? 0 : ETIMEDOUT;
}

int unlock(Execution& x, MutexTwin& t) {
  if (t.error_checking && !held_by_caller(x, t)) return EPERM;
  deferred(x, [&] { t.mutex->unlock(kNowhere); });
  return 0;
}
}  // namespace

MutexTwin& mutex_twin(Execution& x, pthread_mutex_t* m) {
  return table_of(x).twin<MutexTwin>(m, [&] {
    const int kind = m->__data.__kind;
    if (kind == kDestroyed) misuse(x, "uses a pthread mutex after pthread_mutex_destroy");
    const int type = kind == kDestroyed ? PTHREAD_MUTEX_NORMAL : kind & kKindMask;
    return make_twin<MutexTwin>(x, type == PTHREAD_MUTEX_RECURSIVE, type == PTHREAD_MUTEX_ERRORCHECK);
  });
}

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr) noexcept {
  return reinitialise(m, real_mutex_init, m, attr);
}

int pthread_mutex_destroy(pthread_mutex_t* m) noexcept { return reinitialise(m, real_mutex_destroy, m); }

int pthread_mutex_lock(pthread_mutex_t* m) noexcept {
  Execution* x = controlling(__builtin_return_address(0), m);
  return x ? lock(*x, mutex_twin(*x, m)) : real_mutex_lock(m);
}

int pthread_mutex_trylock(pthread_mutex_t* m) noexcept {
  Execution* x = controlling(__builtin_return_address(0), m);
  return x ? try_lock(*x, mutex_twin(*x, m)) : real_mutex_trylock(m);
}

int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* at) noexcept {
  Execution* x = controlling(__builtin_return_address(0), m);
  return x ? lock_until(*x, mutex_twin(*x, m), CLOCK_REALTIME, at) : real_mutex_timedlock(m, at);
}

int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* at) noexcept {
  Execution* x = controlling(__builtin_return_address(0), m);
  return x ? lock_until(*x, mutex_twin(*x, m), clock, at) : real_mutex_clocklock(m, clock, at);
}

int pthread_mutex_unlock(pthread_mutex_t* m) noexcept {
  Execution* x = controlling(__builtin_return_address(0), m);
  return x ? unlock(*x, mutex_twin(*x, m)) : real_mutex_unlock(m);
}

int pthread_spin_init(pthread_spinlock_t* s, int shared) noexcept {
  return reinitialise(key(s), real_spin_init, s, shared);
}

int pthread_spin_destroy(pthread_spinlock_t* s) noexcept { return reinitialise(key(s), real_spin_destroy, s); }

// A spin lock is a mutex under weft: a spinning thread waits without
// spinning, and a spin that can never end is a Deadlock, not a Hang.
int pthread_spin_lock(pthread_spinlock_t* s) noexcept {
  Execution* x = controlling(__builtin_return_address(0), key(s));
  return x ? lock(*x, spin_twin(*x, s)) : real_spin_lock(s);
}

int pthread_spin_trylock(pthread_spinlock_t* s) noexcept {
  Execution* x = controlling(__builtin_return_address(0), key(s));
  return x ? try_lock(*x, spin_twin(*x, s)) : real_spin_trylock(s);
}

int pthread_spin_unlock(pthread_spinlock_t* s) noexcept {
  Execution* x = controlling(__builtin_return_address(0), key(s));
  return x ? unlock(*x, spin_twin(*x, s)) : real_spin_unlock(s);
}

}  // extern "C"
