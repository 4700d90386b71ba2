#pragma once
// Execution: one run of a test body under the controlled scheduler. It owns
// the threads (fibers), the per-execution state of every primitive (an
// arena reset between runs), the virtual clock, the recorded schedule and
// the event log. Exactly one weft thread runs at a time; every visible
// operation calls step() first, which is where the strategy decides who
// runs next.
//
// A thread that cannot proceed (a lock that is held, a join on a running
// thread) does not spin: it reaches step() with a Blocker, and is simply not
// runnable until the blocker says it is ready or, for a timed wait, its
// deadline is the earliest pending one. When no thread is runnable and not
// all have ended, the execution has deadlocked.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "scheduler/arena.h"
#include "scheduler/event.h"
#include "scheduler/fiber.h"
#include "scheduler/observer.h"
#include "scheduler/schedule.h"
#include "scheduler/stack_pool.h"
#include "scheduler/strategy.h"
#include "scheduler/types.h"

namespace weft::sched {

// Blocker describes what a waiting thread waits for, as functions over the
// primitive's state so the engine needs to know nothing about primitives.
struct Blocker {
  // ready: may the waiting thread `self` proceed?
  bool (*ready)(const void* state, ThreadId self) = nullptr;
  // holders: the threads the waiter waits for (a lock's owners, the thread
  // being joined), for deadlock reports; may be null.
  void (*holders)(const void* state, ThreadId self, std::vector<ThreadId>& out) = nullptr;
  const void* state = nullptr;
  // describe adds what a report should say beyond the object's name (a
  // pipe's "end A"); may be null.
  void (*describe)(const void* state, ThreadId self, std::string& out) = nullptr;
};

// ThreadBody is what a thread runs: run(arg), then destroy(arg) (which may
// be null), both on the thread's own fiber.
struct ThreadBody {
  void (*run)(void*) = nullptr;
  void (*destroy)(void*) = nullptr;
  void* arg = nullptr;
};

// StepResult is how a scheduling point ended for the caller.
enum class StepResult : std::uint8_t {
  Ready,     // the operation may proceed (its blocker, if any, is ready)
  TimedOut,  // the deadline passed first; the virtual clock is at it
  Aborted,   // the execution is being unwound and the caller is in a
             // destructor: do nothing that blocks, report nothing
};

// Unwind is thrown through a weft thread's frames when its execution ends
// early (a failure elsewhere). Code that catches everything must rethrow it.
struct Unwind {};

// ThreadView is one thread's state as a failure report shows it.
struct ThreadView {
  enum class State : std::uint8_t { Running, Runnable, Blocked, Finished };
  ThreadId id = 0;
  State state = State::Runnable;
  OpKind op = OpKind::Yield;      // its pending operation (Blocked, Runnable)
  ObjectRef object;
  Location where;                 // pending operation, or last one
  bool timed = false;             // blocked with a deadline
  std::vector<ThreadId> waits_for;
  std::string detail;             // Blocker::describe's words, e.g. "end A"
  std::string process;            // its process's name, when the execution has more than one
};

// FailureRecord is how an execution failed, captured when it did.
struct FailureRecord {
  Verdict verdict = Verdict::AssertionFailed;
  std::string message;
  std::uint64_t step = 0;
  ThreadId thread = kNoThread;    // the thread that failed; kNoThread for deadlocks
  Location where;
  std::vector<ThreadView> threads;
};

// Outcome says how an execution ended.
enum class Outcome : std::uint8_t {
  Completed,  // every thread ended
  Failed,     // failure() says how
  Discarded,  // discard(): an assumption of the test did not hold; not a failure
  Stopped,    // halt(): the program ended it (exit, main returning); see cut_short()
};

// Death is how a simulated process ended, or is ending: its threads unwind
// at their next scheduling point once it is anything but None.
enum class Death : std::uint8_t { None, Exited, Killed, Crashed };

class Execution {
 public:
  explicit Execution(StackPool& stacks);
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;
  ~Execution();

  // observe adds an observer for every later execution; it must outlive them.
  void observe(Observer* observer) { observers_.push_back(observer); }
  // tap adds a tap for every later execution; it must outlive them.
  void tap(Tap* tap) { taps_.push_back(tap); }

  // run performs execution number `index` of `body` (as thread 0) under
  // `strategy`, until every thread ended or the execution failed. It leaves
  // the events, schedule and failure for the caller to read.
  void run(Strategy& strategy, const Config& config, std::uint64_t index, ThreadBody body);

  const FailureRecord* failure() const noexcept { return failure_ ? &*failure_ : nullptr; }
  const Schedule& schedule() const noexcept { return schedule_; }
  // events is the event log: every event of the execution, or, under
  // keep_events(n), at least its last n (event_count() counts them all).
  const std::vector<Event>& events() const noexcept { return events_; }
  std::uint64_t event_count() const noexcept { return events_dropped_ + events_.size(); }
  // keep_events lets the log drop events the observers have seen, keeping
  // the last `n` (0, the default: keep all), so that a long execution does
  // not hold one Event per operation. Holds for later executions too.
  void keep_events(std::size_t n) noexcept { keep_events_ = n; }
  std::uint64_t steps() const noexcept { return steps_; }
  const Config& config() const noexcept { return config_; }
  Outcome outcome() const noexcept;

  // active is the execution whose weft thread is running on this OS thread,
  // or null (outside weft, or on the scheduler's own stack).
  static Execution* active() noexcept {
    Execution* x = tls_execution_;
    return x && x->on_fiber_ && x->uncontrolled_ == 0 ? x : nullptr;
  }
  // Uncontrolled marks weft's own work done on a weft thread (reading symbol
  // and line tables, its caches' locks): for its lifetime active() is null,
  // so what that work calls (pthread functions weft::interpose replaces,
  // weft's primitives) runs as outside weft and adds no step or event; the
  // same schedule then gives the same trace whether a cache was warm or
  // not. Nothing in its scope may block or wait for another weft thread.
  class Uncontrolled {
   public:
    Uncontrolled() noexcept : x_(tls_execution_) {
      if (x_) ++x_->uncontrolled_;
    }
    Uncontrolled(const Uncontrolled&) = delete;
    Uncontrolled& operator=(const Uncontrolled&) = delete;
    ~Uncontrolled() {
      if (x_) --x_->uncontrolled_;
    }

   private:
    Execution* x_;
  };
  // bound is the execution running on this OS thread, on a fiber or not.
  static Execution* bound() noexcept;

  // --- The interface of primitives; called on a weft thread. ---

  ThreadId current() const noexcept { return current_; }
  std::uint64_t generation() const noexcept { return generation_; }
  bool aborting() const noexcept { return aborting_; }
  Time now() const noexcept { return now_; }
  Arena& arena() noexcept { return arena_; }
  // pending_op and pending_object: the operation thread `t` waits to
  // perform at its scheduling point (Yield before its first step); for a
  // strategy that looks ahead, while the execution decides.
  OpKind pending_op(ThreadId t) const noexcept;
  ObjectRef pending_object(ThreadId t) const noexcept;

  // step is the scheduling point before an operation. With a blocker the
  // caller is runnable only while it is ready, or, with a deadline, when
  // that deadline comes due. Throws Unwind when the execution is ending.
  StepResult step(OpKind op, ObjectRef object, Location where, const Blocker* blocker = nullptr,
                  Time deadline = kNever, bool yielding = false);
  // release_step is step for operations that run in destructors (unlock,
  // release, notify, join): it never throws, since a destructor must not.
  // When the execution is ending it returns Aborted and the thread unwinds
  // at its next ordinary step.
  StepResult release_step(OpKind op, ObjectRef object, Location where, const Blocker* blocker = nullptr);
  // record appends the event of an operation that took effect, shows it to
  // the taps, and returns it for the caller to add what taps do not need
  // (a value to print). A message's number is `value`: taps need it.
  Event& record(OpKind op, ObjectRef object, Location where, std::uint8_t flags = 0, ThreadId peer = kNoThread,
                std::memory_order order = std::memory_order_seq_cst, std::uint64_t value = 0);
  // choose makes a value choice in [0, bound) through the strategy and
  // records it; bound <= 1 chooses 0 without recording anything.
  std::uint32_t choose(std::uint32_t bound);
  // spawn creates a runnable thread; it starts at its first scheduling.
  ThreadId spawn(ThreadBody body);
  // name_object gives a new object of `kind` its per-execution name.
  ObjectRef name_object(ObjectKind kind) noexcept;
  // fail ends the execution with a failure (the first one counts) and
  // throws Unwind when the caller can take it.
  void fail(Verdict verdict, std::string message, Location where = {});
  // UnwindDeferral keeps the running thread from being unwound by an
  // exception for its lifetime, as release_step does: for user code weft
  // calls that must not throw (a barrier's completion function).
  class UnwindDeferral {
   public:
    explicit UnwindDeferral(Execution& x) noexcept;
    UnwindDeferral(const UnwindDeferral&) = delete;
    UnwindDeferral& operator=(const UnwindDeferral&) = delete;
    ~UnwindDeferral();

   private:
    Execution& x_;
    bool saved_;
  };

  // fail_later records a failure without throwing (for destructors); the
  // failing thread unwinds at its next scheduling point.
  void fail_later(Verdict verdict, std::string message, Location where = {});
  // join_blocker is the blocker of a thread waiting for `target` to end.
  Blocker join_blocker(ThreadId target) const noexcept;
  // abandon_thread ends the running thread where it stands, without
  // unwinding its frames (their destructors do not run, what they own
  // leaks): for code that cannot let the Unwind exception pass, such as
  // the interposed pthread functions, which glibc declares noexcept for
  // C++, and C frames without unwind tables. The thread then ends as if its
  // body had returned. It returns only when the thread is not inside its
  // body (destroying its callable, or abandoned already); the caller then
  // returns as if its operation had taken place.
  void abandon_thread() noexcept;
  // extension is one pointer of per-execution state for a layer outside the
  // engine that has no object of its own to keep a Slot in (the pthread
  // interposition's table of objects by address). It is null at the start
  // of every execution; what it points to must live in the arena.
  void*& extension() noexcept { return extension_; }

  // --- Simulated processes: groups of threads that share no memory. ---
  // Thread 0 starts process 0 ("main"); a spawned thread joins its
  // creator's process, except that spawn_process starts a new one.

  // spawn_process is spawn for the first thread of a new process, named
  // `name` in reports and traced as `ref`; returns the thread.
  ThreadId spawn_process(ThreadBody body, ObjectRef ref, std::string name);
  ProcessId process_of(ThreadId t) const noexcept;
  std::uint32_t process_count() const noexcept { return process_count_; }
  const std::string& process_name(ProcessId p) const noexcept;
  void rename_process(ProcessId p, std::string name);
  // death_of is None while process `p` runs normally; once it is not, the
  // process is gone for everyone else, though its threads may still unwind.
  Death death_of(ProcessId p) const noexcept;
  // process_ended: every thread of `p` has ended.
  bool process_ended(ProcessId p) const noexcept;
  // end_process records how `p` ends (the first cause counts) and makes
  // each of its threads unwind at its current or next scheduling point.
  void end_process(ProcessId p, Death how) noexcept;
  // plan_crash makes process `p` crash at its `at`-th scheduling point
  // from now (1 is the next); a process that ends before then does not.
  void plan_crash(ProcessId p, std::uint64_t at) noexcept;
  // process_blocker is the blocker of a thread waiting for every thread of
  // `p` to end.
  Blocker process_blocker(ProcessId p) const noexcept;
  // unwind_if_killed throws Unwind when the running thread's process is
  // ending and it can unwind now (a process that killed itself).
  void unwind_if_killed();
  // faults_left counts down the faults this execution may still inject.
  std::uint32_t& faults_left() noexcept { return faults_left_; }
  // --- Program semantics: C programs and verification benchmarks. ---

  // choose_bits makes a value choice of `bits` (1 to 64) uniform bits,
  // recorded as choices of at most 16 bits each (Schedule bounds are 32-bit).
  std::uint64_t choose_bits(unsigned bits);
  // begin_atomic and end_atomic bracket an atomic section of the running
  // thread (they nest). While it is in one and runnable, every scheduling
  // decision keeps it running without asking the strategy, so no choice is
  // recorded. If it blocks inside, the others run until it is runnable and
  // picked again; the section goes on from there. end_atomic returns false
  // outside a section.
  void begin_atomic() noexcept;
  bool end_atomic() noexcept;
  // discard ends the execution without a failure (Outcome::Discarded): an
  // assumption did not hold, so the execution does not count. It records
  // only; the caller leaves with halt(). The first outcome counts.
  void discard() noexcept;
  // halt ends the execution at the running thread, which never returns from
  // it. Unless a failure or a discard ended the execution already, it ends
  // as the program ending (Outcome::Stopped). The thread is unwound (Unwind
  // is thrown) where it may be, and abandoned otherwise (see
  // abandon_unfinished).
  [[noreturn]] void halt();
  // cut_short: the program ended this execution (Outcome::Stopped) while
  // other threads had not ended; they ran no further.
  bool cut_short() const noexcept { return cut_short_; }
  // abandon_unfinished makes this execution drop, not unwind, the threads
  // still unfinished at its end: none of their code runs again, as when a C
  // process ends. For code without unwinding semantics (C frames, noexcept
  // interposed calls). From then on, where Unwind would be thrown (step,
  // fail, release_step of an ending execution) the thread halts instead.
  // Holds until the execution ends.
  void abandon_unfinished() noexcept { abandon_ = true; }
  // others_running: has a thread other than the running one not ended?
  bool others_running() const noexcept;

  // --- For the crash handler (runs in a signal handler; may allocate). ---

  // index is the number of the execution that is running.
  std::uint64_t index() const noexcept { return index_; }
  // current_stack is the stack of the running weft thread, if one runs.
  const Stack* current_stack() const noexcept;
  // crash records a Crash failure for a fatal signal.
  void crash(std::string message);

 private:
  friend class Binding;
  struct ThreadRecord;
  struct ProcessRecord;
  static void thread_main(void* record);

  // The one piece of thread-local state: which execution this OS thread
  // runs. initial-exec: weft is linked into executables, and the default
  // model for position-independent code costs a call per access.
  static thread_local Execution* tls_execution_ __attribute__((tls_model("initial-exec")));

  ThreadRecord& make_thread();
  ThreadId decide(ThreadId current, bool yielding);
  ThreadId choose_thread(std::span<const ThreadId> runnable, ThreadId current, bool yielding);
  Time earliest_deadline() const noexcept;
  bool runnable(const ThreadRecord& t, Time earliest_due) const noexcept;
  void record_failure(Verdict verdict, std::string message, Location where);
  std::vector<ThreadView> snapshot() const;
  void unwind_all();
  void notify_observers();
  StepResult abort_point();
  bool may_unwind() const noexcept;
  void clear_pending(ThreadRecord& t) noexcept;
  ProcessRecord& make_process(ObjectRef ref, std::string name);
  void count_process_step(ThreadRecord& me, Location where);
  void abandon(ThreadRecord& t) noexcept;
  void trim_events();

  StackPool& stacks_;
  Strategy* strategy_ = nullptr;
  Config config_;
  std::vector<std::unique_ptr<ThreadRecord>> threads_;  // kept across executions for reuse
  std::uint32_t thread_count_ = 0;                       // threads of this execution
  ThreadId current_ = kNoThread;
  ThreadId next_ = kNoThread;        // set by a fiber before it switches out
  bool on_fiber_ = false;            // code is running on a weft thread's stack
  bool aborting_ = false;
  std::uint64_t steps_ = 0;
  std::uint64_t generation_ = 0;
  std::uint64_t index_ = 0;
  Time now_ = 0;
  std::uint32_t object_counts_[16] = {};
  std::vector<ThreadId> runnable_;   // scratch for decide(), one slot per thread record
  std::vector<Event> events_;
  std::vector<Observer*> observers_;
  std::vector<Observer*> listening_;  // those of observers_ that want this execution's events
  std::vector<Tap*> taps_;
  std::size_t observed_ = 0;         // events_[0, observed_) were shown to the observers
  std::size_t keep_events_ = 0;      // keep_events(): 0 keeps every event
  std::uint64_t events_dropped_ = 0; // events of this execution no longer in events_
  Schedule schedule_;
  Arena arena_;
  std::optional<FailureRecord> failure_;
  ThreadLocalSlots slots_ = ThreadLocalSlots::of_this_thread();
  std::uint32_t timed_waiters_ = 0;  // threads waiting with a deadline
  std::vector<std::unique_ptr<ProcessRecord>> processes_;  // kept across executions for reuse
  std::uint32_t process_count_ = 0;                        // processes of this execution
  std::uint32_t faults_left_ = 0;
  bool discarded_ = false;           // discard() ended this execution
  bool stopped_ = false;             // halt() ended it as the program ending
  bool cut_short_ = false;           // ... while other threads had not ended
  bool abandon_ = false;             // abandon_unfinished() was called
  std::uint32_t uncontrolled_ = 0;   // Uncontrolled scopes open: active() is null
  void* extension_ = nullptr;
};

}  // namespace weft::sched
