#pragma once
// The weft twins of the pthread synchronization objects: weft's own
// primitives, so an interposed std::mutex or pthread_cond_t behaves, fails
// and is traced exactly as weft::mutex and weft::condition_variable are.

#include <semaphore.h>

#include <cstdint>
#include <optional>

#include "table.h"
#include "weft/barrier.h"
#include "weft/condition_variable.h"
#include "weft/mutex.h"
#include "weft/semaphore.h"
#include "weft/shared_mutex.h"

namespace weft::interpose {

// PthreadMutex is a weft mutex, recursive or not, with its timed lock.
class PthreadMutex : public detail::MutexBase {
 public:
  explicit PthreadMutex(bool recursive) noexcept : MutexBase(recursive) {}
  using MutexBase::lock_until;
};

// MutexTwin stands for a pthread_mutex_t, a pthread_spinlock_t or the
// mutual exclusion of a pthread_once_t. A normal mutex's misuses (relocking
// it from its owner, unlocking it from another thread), which POSIX leaves
// undefined, are reported as Misuse. An error-checking one
// (PTHREAD_MUTEX_ERRORCHECK) returns the errors POSIX defines for them
// instead, EDEADLK and EPERM, which a program may test for.
struct MutexTwin : Twin {
  static constexpr Kind kKind = Kind::Mutex;
  MutexTwin(bool recursive, bool checks_errors) : Twin(kKind), error_checking(checks_errors) {
    mutex.emplace(recursive);
  }
  void destroy() override { mutex.reset(); }
  std::optional<PthreadMutex> mutex;
  bool error_checking;
};

// mutex_twin returns the twin of `m`; its kind (normal, recursive,
// error-checking) is read from the object as glibc initialised it.
MutexTwin& mutex_twin(Execution& x, pthread_mutex_t* m);

}  // namespace weft::interpose
