#pragma once
// The debugger registry: a C structure at a fixed symbol, weft_debug, that
// says what the threads of the execution on this OS thread are doing and
// where a suspended one's stack is, for a debugger. weft's gdb extension
// (harness/gdb/weft.py: `weft threads`, `weft thread N`) reads it; any debugger
// that reads C structures can. A debugger cannot call into a core file, and
// calling into the process is slow: so weft fills it only on demand, when
// the debugger calls weft_debug_refresh() or when a replay stops at its
// break step (Options::break_at, WEFT_BREAK; docs/replaying.md).
//
// The layout is an interface: `version` changes when a field changes
// meaning or place; new fields go at the end of either structure.

#include <cstdint>

extern "C" {

// weft_debug_thread is one weft thread of the execution, as of the last refresh.
struct weft_debug_thread {
  std::uint32_t id;           // the thread's number: T<id>
  std::uint32_t state;        // 0 running, 1 runnable, 2 blocked, 3 finished, 4 not started
  const char* operation;      // its pending operation ("mutex.lock"), or for a finished
                              // thread the last one; "" when there is none
  const char* object;         // the operation's object ("mutex#2"), or ""
  const char* location;       // its call site ("bank.cpp:14"), or ""
  const char* waits;          // a blocked thread: what it waits for ("T1", "end A"), or ""
  // context is where Boost.Context keeps this thread's suspended fiber:
  // *context is the fiber's saved fcontext_t, the stack address at which
  // the switch saved its registers (x86-64: r12, r13, r14, r15, rbx and
  // rbp at 8, 16, ..., 48 bytes above it, the resume address at 56, and the
  // stack pointer after the switch is 64 above it), null while it runs.
  // Read it live: it stays valid while the thread exists.
  void* const* context;
  const void* stack_low;      // the thread's usable stack: [stack_low, stack_high)
  const void* stack_high;
};

// weft_debug_registry is the whole registry; weft_debug is its one instance.
struct weft_debug_registry {
  std::uint32_t version;       // 1
  std::uint32_t boost_version; // BOOST_VERSION weft was built with (the fcontext layout)
  std::uint64_t refreshes;     // how many times it was filled; 0: never
  std::uint32_t live;          // 1 when the last refresh found an execution running
  std::uint32_t current;       // the running thread's id, 0xffffffff when none runs
  std::uint64_t step;          // the execution's step count (trace steps are numbered from 1)
  std::uint64_t break_step;    // the replay's break step (0: none); see debug_break
  std::uint64_t execution;     // the execution's number
  std::uint32_t thread_count;
  std::uint32_t reserved;
  const weft_debug_thread* threads;  // thread_count entries, by id
};

extern weft_debug_registry weft_debug;

// weft_debug_refresh fills weft_debug from the execution running on the
// calling OS thread; it returns the number of threads, or -1 (live = 0)
// when no execution runs there. For debuggers: it allocates, and must only
// be called while the process is stopped on weft's OS thread.
int weft_debug_refresh(void);

// weft_debug_stop is where a replay stops at its break step, with a
// debugger attached: a trap instruction. A breakpoint on it stops there
// too.
void weft_debug_stop(void);
}

namespace weft::sched {

class Execution;

// debug_break is the break step of a replay, reached on the stack of the
// thread about to take it: it fills the registry, says so on stderr and,
// when a debugger is attached (a tracer, /proc/self/status), stops in it;
// without one the replay goes on (a trap would kill the process).
void debug_break(const Execution& x);

// debug_break_missed tells, on stderr, that a replay ended before its break
// step.
void debug_break_missed(std::uint64_t break_step, std::uint64_t steps);

}  // namespace weft::sched
