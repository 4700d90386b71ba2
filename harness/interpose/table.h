#pragma once
// What every interposed function shares: whether weft controls a call, the
// per-execution table that gives each pthread object its weft twin, and how
// a call leaves when its execution is ending.
//
// The seams for code that builds on weft::interpose (kept stable):
//   controlling()       the execution that controls a call made now, or null;
//   deferred(x, op)     runs a weft operation so that it cannot throw Unwind;
//   leave_if_ending(x)  abandons the calling thread if the execution ends
//                       (sched::Execution::abandon_thread);
//   table_of(x)         the execution's twins, by object address.
// weft::interpose defines (docs/interposition.md has the table):
// pthread_create, _join, _detach, _exit, _self, _kill, _cancel,
// _setname_np, _getname_np, _getattr_np; pthread_mutex_*, pthread_spin_*,
// pthread_cond_*, pthread_rwlock_*, pthread_barrier_*, pthread_once; sem_init,
// _destroy, _wait, _trywait, _timedwait, _clockwait, _post, _getvalue;
// clock_gettime, gettimeofday, time, timespec_get, nanosleep,
// clock_nanosleep, usleep, sleep, sched_yield; syscall; the descriptor
// calls of docs/descriptors.md (pipe, socketpair, eventfd, epoll, read,
// write, poll, select, close, dup, fcntl, ioctl, fork, ...). Nothing else
// (not main; exit, abort and __assert_fail are libweft's own, for every
// executable: harness/src/process_exit.cpp).

#include <pthread.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine_access.h"

namespace weft::interpose {

using detail::Execution;
using sched::ThreadId;

// kNowhere is the location of an interposed call: the caller's file and
// line are not known, so traces show the operation and object only.
inline constexpr source_location kNowhere{};

// controlling returns the execution that controls a call made now, or null
// when the call goes to the real function: outside weft, on the scheduler's
// own stack, or while the crash handler builds its report (a failure is
// recorded and the execution is not unwinding yet; the process dies next).
inline Execution* controlling() noexcept {
  Execution* x = Execution::active();
  if (x && x->failure() && !x->aborting()) return nullptr;
  return x;
}

// from_runtime says whether `caller` (a return address) is in the C++
// runtime's own machinery: the unwinder (libgcc_s), which takes a lock of
// its own for its frame tables while an exception or pthread_exit unwinds,
// and more often the first time in a process than later. That lock is not
// the program's synchronization, and controlling it would make a schedule
// depend on what earlier executions unwound, so replays in a new process
// would diverge: such calls go to the real function.
bool from_runtime(const void* caller) noexcept;

// from_sanitizer says whether `caller` is in a shared sanitizer runtime
// (GCC's libasan, libubsan): UndefinedBehaviorSanitizer checks that memory
// is readable by writing it into a pipe of its own, so its pipe() must be
// the kernel's, not one of weft's (whose objects it would check again).
bool from_sanitizer(const void* caller) noexcept;

// runtime_object says whether `object` is one of the C++ runtime's own
// (in the writable data of libstdc++ or libgcc_s): the locks libstdc++
// takes for its locale caches, its exception pool, atomic shared_ptr
// operations, and its once flags for lazy set-up. They are taken the first
// time a process needs something (a facet cache, say) and not later, so a
// schedule that controlled them would depend on what earlier tests of the
// process did, and replays in a new process would diverge. A program's
// own locks never live there.
bool runtime_object(const void* object) noexcept;

// controlling(caller, object) is controlling() for the functions the
// runtime calls (mutexes, once), given their caller's return address and
// the object they act on.
inline Execution* controlling(const void* caller, const void* object) noexcept {
  Execution* x = controlling();
  return x && (from_runtime(caller) || runtime_object(object)) ? nullptr : x;
}

// leave_if_ending is called after a weft operation made under an
// UnwindDeferral, by an interposed function that waits or acquires. When
// the execution is ending, the operation did not take place and the thread
// cannot go on as if it had, nor take an Unwind exception (glibc declares
// the function noexcept for C++): it is abandoned. Inside a destructor run
// by unwinding, or past the thread's body, the call returns instead.
inline void leave_if_ending(Execution& x) noexcept {
  if (!x.aborting() || std::uncaught_exceptions() > 0) return;
  x.abandon_thread();
}

// Deferred runs a weft operation so that it cannot throw Unwind: the
// interposed functions are noexcept for C++ callers.
template <class Op>
decltype(auto) deferred(Execution& x, Op&& op) {
  const Execution::UnwindDeferral deferral(x);
  return op();
}

// Thread handles. A weft thread's pthread_t is kHandleTag | its number:
// deterministic (the same in a replay), never a real handle (real ones are
// addresses, below 2^47), and never 0.
inline constexpr std::uint64_t kHandleTag = 0xfeed'0000'0000'0000u;
inline pthread_t handle_of(ThreadId t) noexcept { return kHandleTag | t; }
inline bool is_weft_handle(pthread_t h) noexcept { return (h & 0xffff'0000'0000'0000u) == kHandleTag; }
inline ThreadId thread_of(pthread_t h) noexcept { return static_cast<ThreadId>(h & 0xffff'ffffu); }

// Twin is the weft counterpart of one pthread object in one execution.
struct Twin {
  enum class Kind : std::uint8_t { Mutex, Cond, Rwlock, Semaphore, Barrier, Once, Futex };
  explicit Twin(Kind k) noexcept : kind(k) {}
  virtual ~Twin() = default;
  Twin(const Twin&) = delete;
  Twin& operator=(const Twin&) = delete;
  // destroy ends the weft object early, as its pthread object's destroy
  // function ends the object: its destructor reports what is still using it.
  virtual void destroy() {}
  Kind kind;
};

struct ThreadTwin;
class FdTable;

// Table holds one execution's twins by the address of their pthread object.
// Controlled calls never touch the pthread object's memory (besides
// reading how it was initialised), so each execution starts from the
// object as it is outside weft.
class Table {
 public:
  // find returns the twin of `address` if it has one of type T.
  template <class T>
  T* find(const void* address) const {
    auto it = objects_.find(address);
    return it != objects_.end() && it->second->kind == T::kKind ? static_cast<T*>(it->second) : nullptr;
  }
  // twin returns the twin of `address`, made with make() (which returns a T
  // made in the execution's arena) on first use. A twin of another kind at
  // the same address belonged to an object that is gone: it is replaced.
  template <class T, class Make>
  T& twin(const void* address, Make&& make) {
    const sched::tsan::Unseen unseen;  // weft's bookkeeping, which TSan must not take for the program's
    if (T* t = find<T>(address)) return *t;
    T* made = make();
    // An exhaustive search knows the twin again by its pthread object.
    if (Execution* x = Execution::bound()) x->alias_range(made, sizeof(T), address);
    objects_[address] = made;
    return *made;
  }
  // destroy destroys the twin of `address`, if any, and forgets it: the
  // object was destroyed or is initialised again.
  void destroy(Execution& x, const void* address);

  // threads[t] is the twin of weft thread t if pthread_create made it.
  std::vector<ThreadTwin*> threads;

  // ClockReads counts a thread's clock reads since the last step anyone
  // took, to tell a loop that spins on the clock (see time.cpp).
  struct ClockReads {
    std::uint64_t step = 0;
    unsigned count = 0;
  };
  std::vector<ClockReads> clock_reads;

  // fds is the execution's descriptor table (fd_table.h), once it made a
  // descriptor.
  FdTable* fds = nullptr;

 private:
  std::unordered_map<const void*, Twin*> objects_;
};

// table_of returns execution x's table, made on first use.
Table& table_of(Execution& x);

// make_twin makes a T in x's arena.
template <class T, class... Args>
T* make_twin(Execution& x, Args&&... args) {
  return x.arena().make<T>(std::forward<Args>(args)...);
}

// reinitialise is a pthread object's init or destroy function: inside an
// execution the object's twin goes (the next use makes a fresh one); the
// real function always runs too, since twins read how the object was
// initialised from its memory.
template <class Real, class... Args>
int reinitialise(const void* object, const Real& real, Args... args) noexcept {
  if (Execution* x = controlling()) table_of(*x).destroy(*x, object);
  return real(args...);
}

// misuse reports a pthread call that is wrong, naming the calling thread
// first; it never throws.
void misuse(Execution& x, const std::string& what);

}  // namespace weft::interpose
