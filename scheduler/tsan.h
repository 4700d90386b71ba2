#pragma once
// The ThreadSanitizer runtime, as weft's own (uninstrumented) code talks to
// it. weft is never compiled with -fsanitize=thread; the user's code may be.
// When the executable carries the TSan runtime, these functions tell it
// about fibers, about the happens-before edges weft's primitives create, and
// keep weft's own bookkeeping out of its sight; without the runtime they do
// nothing. The runtime's entry points are weak references, so one weft
// library serves both kinds of executable.

// The runtime's entry points that weft's hot paths test or call, as weak
// references: null without the runtime (tsan.cpp declares the rest).
extern "C" {
void* __tsan_create_fiber(unsigned flags) __attribute__((weak));
void __tsan_ignore_thread_begin() __attribute__((weak));
void __tsan_ignore_thread_end() __attribute__((weak));
}

namespace weft::sched::tsan {

// present: the executable was linked with ThreadSanitizer's runtime.
inline bool present() noexcept { return __tsan_create_fiber != nullptr; }

// Fibers. A fiber context is created once its stack exists (TSan records the
// allocation as a write over the stack) and destroyed once it will never
// run again. switch_to must come immediately before the stack switch;
// `synchronize` makes everything the current fiber did happen before what
// the target does next, which weft asks for only where the program order
// really continues (a fiber's end, seen by the scheduler).
void* current_fiber() noexcept;
void* create_fiber(const char* name) noexcept;
void destroy_fiber(void* fiber) noexcept;
void switch_to(void* fiber, bool synchronize) noexcept;

// Happens-before on a synchronization address: release on one fiber, then
// acquire on another, orders everything before the release before
// everything after the acquire.
void acquire(const void* address) noexcept;
void release(const void* address) noexcept;

// forget_everything resets the runtime's shadow memory and clocks, so each
// execution is judged on its own: a race reported in one execution is
// reported again in the next (TSan otherwise stops watching an address once
// it reported it), and no clock survives from one execution to the next.
void forget_everything() noexcept;

// unseen_depth counts the Unseen scopes open on the running fiber (Fiber
// swaps it, as it swaps errno), with or without TSan's runtime. It is one
// per OS thread: weft's own OS threads (the watchdog's, the line-table
// reader's) run weft code beside an execution, and with one count for the
// process a fiber now and then began with its accesses hidden (seen as a
// replay whose trace lacked a program's first accesses). The hooks
// of instrumented code (harness/instrument/) read it to tell weft's own
// work from the program's. TSan's ignore count belongs to the fiber: a
// thread abandoned inside a scope (Execution::abandon_thread jumps over
// its destructor) would have its accesses hidden from then on, in this
// execution and the next ones its fiber runs, unless close_unseen() ends
// the scopes it left open.
extern thread_local int unseen_depth __attribute__((tls_model("initial-exec")));
void close_unseen() noexcept;

// Unseen marks weft's own work on the current fiber for its lifetime, and
// hides it from TSan: weft's allocations made on one fiber and freed on
// another would otherwise be reported as races. Synchronization calls
// still count. Nests.
class Unseen {
 public:
  Unseen() noexcept : on_(present()) {
    ++unseen_depth;
    if (on_) __tsan_ignore_thread_begin();
  }
  Unseen(const Unseen&) = delete;
  Unseen& operator=(const Unseen&) = delete;
  ~Unseen() {
    --unseen_depth;
    if (on_) __tsan_ignore_thread_end();
  }

 private:
  bool on_;
};

// Seen lifts Unseen for its lifetime, around weft code that calls back into
// the user's (a thread's body, a barrier's completion function).
class Seen {
 public:
  Seen() noexcept;
  Seen(const Seen&) = delete;
  Seen& operator=(const Seen&) = delete;
  ~Seen();

 private:
  bool on_;
};

}  // namespace weft::sched::tsan
