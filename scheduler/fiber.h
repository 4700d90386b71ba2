#pragma once
// Fiber: one weft thread's stack and continuation. All switches go between
// the scheduler (the OS thread's own stack) and a fiber, never fiber to
// fiber, so the state C++ keeps per OS thread (errno, the exception-handling
// globals) is swapped in one place and sanitizers are told of every switch.

#include <boost/context/fiber.hpp>

#include <cstddef>

#include "scheduler/stack_pool.h"

namespace weft::sched {

// ThreadLocalState is what the C and C++ runtimes keep per OS thread and a
// fiber must have for itself: errno and the exception-handling globals
// (without them a rethrow after a switch rethrows another fiber's exception).
struct ThreadLocalState {
  int error_number = 0;
  void* caught_exceptions = nullptr;
  unsigned int uncaught_exceptions = 0;
};

// ThreadLocalSlots are where the OS thread keeps that state; looked up once
// per OS thread, since each lookup is a TLS access.
struct ThreadLocalSlots {
  int* error_number;
  void** caught_exceptions;
  unsigned int* uncaught_exceptions;

  static ThreadLocalSlots of_this_thread() noexcept;
  ThreadLocalState capture() const noexcept { return {*error_number, *caught_exceptions, *uncaught_exceptions}; }
  void install(const ThreadLocalState& s) const noexcept {
    *error_number = s.error_number;
    *caught_exceptions = s.caught_exceptions;
    *uncaught_exceptions = s.uncaught_exceptions;
  }
};

// A Fiber outlives the weft threads it runs: when an entry returns, the
// fiber parks, and the next start() runs the next entry on the same stack
// and Boost.Context fiber, so executions create no fibers in steady state.
// retire() lets a parked fiber return, so no fiber is destroyed suspended.
class Fiber {
 public:
  using Entry = void (*)(void*);

  Fiber() = default;
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;
  ~Fiber() = default;

  // start prepares entry(arg) to run at the next resume(), taking a stack
  // from `stacks` the first time. The previous entry, if any, must have ended.
  // `slot` names the fiber for ThreadSanitizer ("weft T<slot>"): a fiber
  // always runs the weft thread of the same number.
  void start(StackPool& stacks, Entry entry, void* arg, unsigned slot);
  // retire ends a parked fiber and gives its stack back; `slots` are this OS
  // thread's.
  void retire(StackPool& stacks, const ThreadLocalSlots& slots);
  // resume switches from the scheduler into the fiber and returns when the
  // fiber suspends or its entry returns; `slots` are this OS thread's.
  void resume(const ThreadLocalSlots& slots);
  // suspend switches from inside the fiber back to the scheduler.
  void suspend() { suspend(false); }
  // abandon drops a suspended fiber without running any more of it: no
  // destructor, no unwinding (C frames of a program cannot be unwound, and
  // in C an ending process runs nothing more of its other threads). Its
  // stack goes back to `stacks` and the next start() begins afresh.
  void abandon(StackPool& stacks) noexcept;

  const Stack& stack() const noexcept { return stack_; }
  // saved_context is where Boost.Context keeps the suspended fiber (its
  // fcontext_t, the stack address its registers were saved at; null while
  // the fiber runs): for debuggers, which read it (debug_registry.h).
  void* const* saved_context() const noexcept;

 private:
  static boost::context::fiber trampoline(Fiber* self, boost::context::fiber&& scheduler);
  // suspend(true) also tells ThreadSanitizer that the scheduler continues
  // what the fiber did: only when an entry has ended.
  void suspend(bool ended);

  boost::context::fiber self_;   // the fiber's continuation while it is suspended
  boost::context::fiber back_;   // the scheduler's continuation while the fiber runs
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  Stack stack_;
  ThreadLocalState saved_;       // the fiber's own runtime state while it is suspended
  bool live_ = false;            // a Boost.Context fiber exists on stack_
  bool retiring_ = false;        // the next resume ends the fiber
  // AddressSanitizer's view of the switch: the fiber's fake stack while it
  // is suspended, and the scheduler's stack bounds while the fiber runs.
  void* fake_stack_ = nullptr;
  const void* back_bottom_ = nullptr;
  std::size_t back_size_ = 0;
  // ThreadSanitizer's contexts (null without its runtime): the fiber's own,
  // and the scheduler's while the fiber runs.
  void* tsan_fiber_ = nullptr;
  void* tsan_back_ = nullptr;
  int unseen_depth_ = 0;  // tsan::unseen_depth while the fiber is suspended
};

}  // namespace weft::sched
