// sem_* (unnamed POSIX semaphores): weft counting semaphores.

#include <semaphore.h>
#include <time.h>

#include <cerrno>

#include "clocks.h"
#include "forwarding.h"
#include "twins.h"
#include "weft/thread.h"

namespace weft::interpose {

namespace {
constinit Real<int (*)(sem_t*, int, unsigned)> real_init{"sem_init"};
constinit Real<int (*)(sem_t*)> real_destroy{"sem_destroy"};
constinit Real<int (*)(sem_t*)> real_wait{"sem_wait"};
constinit Real<int (*)(sem_t*)> real_trywait{"sem_trywait"};
constinit Real<int (*)(sem_t*, const timespec*)> real_timedwait{"sem_timedwait"};
constinit Real<int (*)(sem_t*, clockid_t, const timespec*)> real_clockwait{"sem_clockwait"};
constinit Real<int (*)(sem_t*)> real_post{"sem_post"};
constinit Real<int (*)(sem_t*, int*)> real_getvalue{"sem_getvalue"};

class PthreadSemaphore : public detail::SemaphoreBase {
 public:
  explicit PthreadSemaphore(std::ptrdiff_t initial) noexcept : SemaphoreBase(initial, SEM_VALUE_MAX) {}
  using SemaphoreBase::acquire_until;
};

// SemaphoreTwin mirrors its count for sem_getvalue (weft's semaphores
// have no reading of the count; every change goes through here).
struct SemaphoreTwin : Twin {
  static constexpr Kind kKind = Kind::Semaphore;
  explicit SemaphoreTwin(int initial) : Twin(kKind), count(initial) { semaphore.emplace(initial); }
  void destroy() override { semaphore.reset(); }
  std::optional<PthreadSemaphore> semaphore;
  int count;
};

// twin makes a semaphore's twin with the count the real one has: sem_init
// always runs for real, and controlled calls never change the real count.
SemaphoreTwin& twin(Execution& x, sem_t* s) {
  return table_of(x).twin<SemaphoreTwin>(s, [&] {
    int value = 0;
    real_getvalue(s, &value);
    return make_twin<SemaphoreTwin>(x, value);
  });
}

// acquired finishes a wait: the count mirror, or errno and -1.
int acquired(Execution& x, SemaphoreTwin& t, bool ok, int error) {
  leave_if_ending(x);
  if (x.aborting()) return 0;
  if (!ok) {
    errno = error;
    return -1;
  }
  --t.count;
  return 0;
}

int wait_until(Execution& x, sem_t* s, clockid_t clock, const timespec* at) {
  if (!clock_base(clock) || !valid(*at)) {
    errno = EINVAL;
    return -1;
  }
  SemaphoreTwin& t = twin(x, s);
  const bool ok = deferred(x, [&] { return t.semaphore->acquire_until(deadline_on(clock, *at), kNowhere); });
  return acquired(x, t, ok, ETIMEDOUT);
}
}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int sem_init(sem_t* s, int shared, unsigned value) noexcept { return reinitialise(s, real_init, s, shared, value); }
int sem_destroy(sem_t* s) noexcept { return reinitialise(s, real_destroy, s); }

int sem_wait(sem_t* s) {
  Execution* x = controlling();
  if (!x) return real_wait(s);
  SemaphoreTwin& t = twin(*x, s);
  deferred(*x, [&] { t.semaphore->acquire(kNowhere); });
  return acquired(*x, t, true, 0);
}

int sem_trywait(sem_t* s) noexcept {
  Execution* x = controlling();
  if (!x) return real_trywait(s);
  SemaphoreTwin& t = twin(*x, s);
  const bool ok = deferred(*x, [&] { return t.semaphore->try_acquire(kNowhere); });
  return acquired(*x, t, ok, EAGAIN);
}

int sem_timedwait(sem_t* s, const timespec* at) {
  Execution* x = controlling();
  return x ? wait_until(*x, s, CLOCK_REALTIME, at) : real_timedwait(s, at);
}

int sem_clockwait(sem_t* s, clockid_t clock, const timespec* at) {
  Execution* x = controlling();
  return x ? wait_until(*x, s, clock, at) : real_clockwait(s, clock, at);
}

int sem_post(sem_t* s) noexcept {
  Execution* x = controlling();
  if (!x) return real_post(s);
  SemaphoreTwin& t = twin(*x, s);
  deferred(*x, [&] { t.semaphore->release(1, kNowhere); });  // Misuse past SEM_VALUE_MAX
  if (!x->aborting()) ++t.count;
  return 0;
}

int sem_getvalue(sem_t* s, int* value) noexcept {
  Execution* x = controlling();
  if (!x) return real_getvalue(s, value);
  // Reading the count is a visible operation like any other; it yields,
  // since a loop that polls the count waits for another thread.
  SemaphoreTwin& t = twin(*x, s);
  deferred(*x, [&] { weft::this_thread::yield(kNowhere); });
  leave_if_ending(*x);
  *value = t.count;
  return 0;
}

}  // extern "C"
