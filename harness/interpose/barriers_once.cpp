// pthread_barrier_* (weft barriers) and pthread_once (a weft mutex around
// the once-only call, which is what a once is: a lock).

#include <pthread.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "forwarding.h"
#include "twins.h"

namespace weft::interpose {

namespace {
constinit Real<int (*)(pthread_barrier_t*, const pthread_barrierattr_t*, unsigned)> real_barrier_init{
    "pthread_barrier_init"};
constinit Real<int (*)(pthread_barrier_t*)> real_barrier_destroy{"pthread_barrier_destroy"};
constinit Real<int (*)(pthread_barrier_t*)> real_barrier_wait{"pthread_barrier_wait"};
constinit Real<int (*)(pthread_once_t*, void (*)())> real_once{"pthread_once"};

// BarrierTwin is a weft barrier that remembers which thread completed the
// phase: pthread_barrier_wait returns PTHREAD_BARRIER_SERIAL_THREAD to it.
struct BarrierTwin : Twin {
  static constexpr Kind kKind = Kind::Barrier;
  class Barrier : public detail::BarrierBase {
   public:
    Barrier(std::ptrdiff_t count, BarrierTwin& twin) noexcept : BarrierBase(count, &completed, &twin) {}

   private:
    static void completed(void* twin) {
      auto& t = *static_cast<BarrierTwin*>(twin);
      t.serial = detail::Execution::active()->current();
    }
  };
  explicit BarrierTwin(std::ptrdiff_t count) : Twin(kKind) { barrier.emplace(count, *this); }
  void destroy() override { barrier.reset(); }
  std::optional<Barrier> barrier;
  ThreadId serial = sched::kNoThread;  // the thread whose arrival completed the last phase
};

// glibc's barrier keeps the count pthread_barrier_init was given in its
// third unsigned (struct pthread_barrier: in, current_round, count, ...).
std::ptrdiff_t count_of(const pthread_barrier_t* b) noexcept {
  unsigned words[3];
  std::memcpy(words, b, sizeof words);
  return words[2];
}

// glibc marks a pthread_once_t that has run with bit 1 (__PTHREAD_ONCE_DONE);
// setting it makes the once done outside weft too, as it is: the init
// function's effects are real.
constexpr int kOnceDone = 2;
bool once_done(pthread_once_t* once) noexcept { return (__atomic_load_n(once, __ATOMIC_ACQUIRE) & kOnceDone) != 0; }

// SavedOnceCall keeps std::call_once's thread-local pointers to its
// callable (libstdc++'s __once_callable and __once_call) across a
// scheduling point: weft threads share them, and another thread's
// call_once may set them meanwhile.
class SavedOnceCall {
 public:
  SavedOnceCall() noexcept : callable_(std::__once_callable), call_(std::__once_call) {}
  void restore() const noexcept {
    std::__once_callable = callable_;
    std::__once_call = call_;
  }

 private:
  void* callable_;
  void (*call_)();
};
}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr, unsigned count) noexcept {
  return reinitialise(b, real_barrier_init, b, attr, count);
}

int pthread_barrier_destroy(pthread_barrier_t* b) noexcept { return reinitialise(b, real_barrier_destroy, b); }

int pthread_barrier_wait(pthread_barrier_t* b) noexcept {
  Execution* x = controlling();
  if (!x) return real_barrier_wait(b);
  BarrierTwin& t = table_of(*x).twin<BarrierTwin>(b, [&] { return make_twin<BarrierTwin>(*x, count_of(b)); });
  deferred(*x, [&] { t.barrier->arrive_and_wait(kNowhere); });
  leave_if_ending(*x);
  // Only this thread's next arrival could complete another phase, so
  // `serial` still names the completer of the phase it waited for.
  return t.serial == x->current() ? PTHREAD_BARRIER_SERIAL_THREAD : 0;
}

int pthread_once(pthread_once_t* once, void (*init)()) {
  if (once_done(once)) return 0;
  Execution* x = controlling(__builtin_return_address(0), once);
  if (!x) return real_once(once, init);
  MutexTwin& t = table_of(*x).twin<MutexTwin>(once, [&] { return make_twin<MutexTwin>(*x, false, false); });
  const SavedOnceCall saved;
  deferred(*x, [&] { t.mutex->lock(kNowhere); });
  leave_if_ending(*x);
  saved.restore();
  // Unlocked however init ends: by returning, or by an exception, after
  // which the next caller runs init again (std::call_once's rule).
  struct Unlock {
    Execution& x;
    MutexTwin& t;
    ~Unlock() { deferred(x, [&] { t.mutex->unlock(kNowhere); }); }
  } unlock{*x, t};
  if (!once_done(once)) {
    init();
    __atomic_store_n(once, kOnceDone, __ATOMIC_RELEASE);
  }
  return 0;
}

}  // extern "C"
