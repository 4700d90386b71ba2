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
#include "scheduler/runnable_set.h"
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
  Pruned,     // the strategy threw Pruned: it needed no more of this execution
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

  // forget_settings drops the observers, taps, client and event settings
  // given so far, so that the Execution (with its parked fibers and their
  // stacks) can serve another exploration.
  void forget_settings() noexcept {
    observers_.clear();
    listening_.clear();
    taps_.clear();
    client_ = nullptr;
    record_events_ = false;
    keep_events_ = 0;
    track_identities_ = false;
    break_step_ = 0;
  }
  // observe adds an observer for every later execution; it must outlive them.
  void observe(Observer* observer) { observers_.push_back(observer); }
  // tap adds a tap for every later execution; it must outlive them.
  void tap(Tap* tap) { taps_.push_back(tap); }
  // untap removes a tap added by tap(), for a tap wanted in one execution
  // only (the timeline's recorder): a registered tap makes every execution
  // record.
  void untap(Tap* tap) noexcept { std::erase(taps_, tap); }
  // record_events makes every later execution keep its events (a replay,
  // or the re-run that rebuilds a failing execution's trace). Otherwise an
  // execution keeps them only while a tap or an observer that wants them
  // in it is registered: an exploring execution records nothing.
  void record_events(bool on) noexcept { record_events_ = on; }
  // break_at makes every later execution stop at step `step` (0: never),
  // on the stack of the thread about to take it, before it does
  // (debug_break, scheduler/debug_registry.h): a replay's WEFT_BREAK.
  void break_at(std::uint64_t step) noexcept { break_step_ = step; }
  std::uint64_t break_step() const noexcept { return break_step_; }
  // break_reached: the running or last execution reached its break step.
  bool break_reached() const noexcept { return break_reached_; }
  // recording: the running execution keeps its events.
  bool recording() const noexcept { return recording_; }
  // client is one pointer the harness keeps with the execution for the code
  // its primitives call (weft's checkers); null unless set.
  void set_client(void* client) noexcept { client_ = client; }
  void* client() const noexcept { return client_; }

  // run performs execution number `index` of `body` (as thread 0) under
  // `strategy`, until every thread ended or the execution failed. It leaves
  // the events, schedule and failure for the caller to read.
  void run(Strategy& strategy, const Config& config, std::uint64_t index, ThreadBody body);

  const FailureRecord* failure() const noexcept { return failure_ ? &*failure_ : nullptr; }
  // add_to_failure appends `text` to the recorded failure's message: what a
  // hook knows of it that the checker that failed the execution did not
  // (where a block used after its free was allocated).
  void add_to_failure(const std::string& text) {
    if (failure_) failure_->message += text;
  }
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
  // operations is how many operations weft saw: its steps, and the plain
  // accesses that were not scheduling points (see access()).
  std::uint64_t operations() const noexcept { return steps_ + free_accesses_; }
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
  // pending_where is the call site of that operation (reads-from fuzzing
  // tells operations apart by it).
  Location pending_where(ThreadId t) const noexcept;
  // blocked_threads sets `out` to the threads, other than `running`, that
  // wait at a scheduling point for a blocker that is not ready (and whose
  // process is not ending), in thread order: what a timeline shows as
  // blocked while an event happens.
  void blocked_threads(ThreadId running, std::vector<ThreadId>& out) const;

  // step is the scheduling point before an operation. With a blocker the
  // caller is runnable only while it is ready, or, with a deadline, when
  // that deadline comes due. Throws Unwind when the execution is ending.
  StepResult step(OpKind op, ObjectRef object, Location where, const Blocker* blocker = nullptr,
                  Time deadline = kNever, bool yielding = false);
  // access is the scheduling point of a plain memory access (weft::var,
  // instrumented code). While the race detector checks accesses
  // (Config::race_detection) an access is not a scheduling point, as in
  // CHESS and Relacy: two accesses whose order could change an outcome are
  // a conflicting pair no synchronization orders, which is reported as a
  // DataRace whatever the schedule, so interleaving at them explores
  // nothing more. Each kSpinAccesses-th access a thread makes without
  // reaching a scheduling point is one all the same, as a yield, so that a
  // thread spinning on plain memory lets the others run. Without race
  // detection every access is a scheduling point.
  static constexpr std::uint32_t kSpinAccesses = 1024;
  StepResult access(OpKind op, ObjectRef object, Location where) {
    return config_.race_detection ? count_access(op, object, where) : step(op, object, where);
  }
  // count_access is access() while races are checked: it counts the access
  // (and is the forced yield when one is due), so it may come after it.
  StepResult count_access(OpKind op, ObjectRef object, Location where);
  // release_step is step for operations that run in destructors (unlock,
  // release, notify, join): it never throws, since a destructor must not.
  // When the execution is ending it returns Aborted and the thread unwinds
  // at its next ordinary step.
  StepResult release_step(OpKind op, ObjectRef object, Location where, const Blocker* blocker = nullptr);
  // record notes an operation that took effect on `object`: its waiters
  // look again at the next decision. While the execution records, it also
  // appends the event, shows it to the taps and returns it for the caller
  // to add what taps do not need (a value to print); otherwise what it
  // returns is scratch. A message's number is `value`: taps need it.
  Event& record(OpKind op, ObjectRef object, Location where, std::uint8_t flags = 0, ThreadId peer = kNoThread,
                std::memory_order order = std::memory_order_seq_cst, std::uint64_t value = 0) {
    touch(object);
    if (!recording_) return scratch_;
    return append(op, object, where, flags, peer, order, value);
  }
  // note_change is record() without an event: the waiters on `object` look
  // again at the next decision. For waiters whose readiness depends on
  // another object than the one an operation changed (an epoll instance
  // over the pipes it watches).
  void note_change(ObjectRef object) { touch(object); }
  // choose makes a value choice in [0, bound) through the strategy and
  // records it; bound <= 1 chooses 0 without recording anything.
  std::uint32_t choose(std::uint32_t bound) { return choose_from(bound, false); }
  // choose_rare is choose for a choice whose values other than 0 are rare
  // departures from the usual (a spurious wake-up, a short read or write),
  // which an exhaustive search bounds per execution (Strategy::pick_rare).
  std::uint32_t choose_rare(std::uint32_t bound) { return choose_from(bound, true); }
  // spawn creates a runnable thread; it starts at its first scheduling.
  ThreadId spawn(ThreadBody body);
  // name_object gives a new object of `kind` its per-execution name.
  ObjectRef name_object(ObjectKind kind) noexcept;

  // Identities: a search that compares executions (dpor) needs to know an
  // object again in another execution, where its name (first use first)
  // may differ. track_identities makes every later execution keep, per
  // object, its identity: the address its primitive bound it from
  // (bind_address, for objects a program's memory holds) or else the
  // thread that made it and how many that thread made before. An object
  // whose address, or maker, depends on the interleaving (a heap object two
  // threads allocate in either order) is not known again.
  void track_identities(bool on) noexcept { track_identities_ = on; }
  bool tracking_identities() const noexcept { return track_identities_; }
  // bind_address names `ref` by where it lives: on a thread's stack, by the
  // thread and its depth there; elsewhere by `birth` when the object was
  // constructed in this execution (birth_identity), else by its address.
  void bind_address(ObjectRef ref, const void* address, std::uint64_t birth = 0) noexcept;
  // birth_identity is the identity of an object the current thread
  // constructs now: the thread, and how many it constructed before.
  std::uint64_t birth_identity() noexcept;
  // alias_range says that objects inside [begin, begin + size) stand for
  // the ones at `as` (the interposition's twins, made in the arena, for the
  // program's pthread objects): their identity is taken from there.
  void alias_range(const void* begin, std::size_t size, const void* as);
  // identity_of is `ref`'s identity, or its index when not tracked.
  std::uint64_t identity_of(ObjectRef ref) const noexcept;
  // fail ends the execution with a failure (the first one counts) and
  // throws Unwind when the caller can take it.
  void fail(Verdict verdict, std::string message, Location where = {});
  // UnwindDeferral keeps the running thread from being unwound by an
  // exception for its lifetime, as release_step does: for user code weft
  // calls that must not throw (a barrier's completion function).
  class UnwindDeferral {
   public:
    explicit UnwindDeferral(Execution& x) noexcept : flag_(x.unwind_deferred()), saved_(flag_) { flag_ = true; }
    UnwindDeferral(const UnwindDeferral&) = delete;
    UnwindDeferral& operator=(const UnwindDeferral&) = delete;
    ~UnwindDeferral() { flag_ = saved_; }

   private:
    bool& flag_;
    bool saved_;
  };

  // fail_later records a failure without throwing (for destructors); the
  // failing thread unwinds at its next scheduling point.
  void fail_later(Verdict verdict, std::string message, Location where = {});
  // fail_soft records a failure that does not end the execution (a
  // GoogleTest EXPECT_*): the threads go on, and further failures of either
  // kind add their messages to it. The first failure stays the one that
  // counts (its verdict, step and thread views); failure() shows it once
  // the execution has ended.
  void fail_soft(Verdict verdict, std::string message, Location where = {});
  // drop_current ends the running thread where it stands and never returns:
  // it is not unwound and none of its code runs again (its stack is
  // reused), while the execution ends as a recorded failure says and its
  // other threads unwind as usual. For code that can neither return nor
  // throw: exit() in a body, a fatal signal, std::terminate. An exception
  // the thread had caught or was throwing is released first. Call it only
  // on a weft thread, with a failure recorded.
  [[noreturn]] void drop_current() noexcept;
  // on_fiber: a weft thread of this execution is running on this OS thread
  // (even inside an Uncontrolled scope).
  bool on_fiber() const noexcept { return on_fiber_ && current_ < thread_count_; }
  // abandons_unfinished: abandon_unfinished() was called in this execution
  // (it runs a C program, with the semantics of a process).
  bool abandons_unfinished() const noexcept { return abandon_; }
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
  // take_block and keep_block are memory for short-lived objects made and
  // freed by the threads of executions (the callables of weft::thread): a
  // block kept goes to the next take of the same size class instead of the
  // heap. Blocks are the heap's; they outlive the execution, not the
  // Execution object, which frees the ones it keeps.
  void* take_block(std::size_t size);
  void keep_block(void* block, std::size_t size) noexcept;
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
  // in_atomic: is the running thread inside an atomic section?
  bool in_atomic() const noexcept;
  // discard_endless makes this execution, should it reach its step budget,
  // end as discarded (Outcome::Discarded, endless() true) instead of failing
  // as a Hang: a verification run's "no verdict" for a path that never
  // ends. Holds until the execution ends.
  void discard_endless() noexcept { discard_endless_ = true; }
  // endless: the step budget ended this execution under discard_endless.
  bool endless() const noexcept { return endless_; }
  // step_budget is how many steps this execution may take before it is a
  // Hang: Config::max_steps, plus max_steps / 100 (at least 1) for every
  // thread after the first, so a program with many threads, each with its
  // own work, is not cut where a few threads spinning would be.
  std::uint64_t step_budget() const noexcept { return step_budget_; }

  // --- For debuggers (debug_registry.h): the threads as a report shows them. ---

  std::uint32_t thread_count() const noexcept { return thread_count_; }
  std::vector<ThreadView> thread_views() const { return snapshot(); }
  const Fiber& fiber_of(ThreadId t) const noexcept;

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
  ThreadId decide_slowly(ThreadId current, bool yielding);
  ThreadId deadlock(ThreadId current);
  void prune() noexcept;
  std::uint32_t choose_from(std::uint32_t bound, bool rare);
  bool& unwind_deferred() noexcept;
  ThreadId choose_thread(std::span<const ThreadId> runnable, const RunnableSet* set, ThreadId current,
                         bool yielding);
  Event& append(OpKind op, ObjectRef object, Location where, std::uint8_t flags, ThreadId peer,
                std::memory_order order, std::uint64_t value);
  void update_runnable();
  void recheck(ThreadId waiter);
  void verify_runnable() const;
  void wait_on(ThreadRecord& t);
  void stop_waiting(ThreadRecord& t) noexcept;
  void end_thread(ThreadRecord& t);
  // touch notes that an event changed `object`: its waiters look again at
  // the next decision, when every change the operation makes is done (some
  // record their event before their last change).
  void touch(ObjectRef object) {
    const auto& heads = waiters_[static_cast<unsigned>(object.kind) % kObjectKinds];
    if (object.index < heads.size() && heads[object.index] != kNoThread) touched_.push_back(object);
  }
  Time earliest_deadline() const noexcept;
  bool runnable(const ThreadRecord& t, Time earliest_due) const noexcept;
  void record_failure(Verdict verdict, std::string message, Location where);
  FailureRecord failure_record(Verdict verdict, std::string message, Location where) const;
  std::vector<ThreadView> snapshot() const;
  void unwind_all();
  void notify_observers();
  void settle_soft_failure();
  StepResult abort_point();
  bool may_unwind() const noexcept;
  void clear_pending(ThreadRecord& t) noexcept;
  ProcessRecord& make_process(ObjectRef ref, std::string name);
  void count_process_step(ThreadRecord& me, Location where);
  void abandon(ThreadRecord& t) noexcept;
  void trim_events();
  void stop_at_break();

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
  std::uint64_t free_accesses_ = 0;  // accesses that were no scheduling point
  std::uint64_t generation_ = 0;
  std::uint64_t index_ = 0;
  Time now_ = 0;
  std::uint32_t object_counts_[kObjectKinds] = {};
  bool track_identities_ = false;
  std::vector<std::uint64_t> identities_[kObjectKinds];  // by kind, then index (identity_of)
  std::vector<std::uint32_t> made_by_;         // by thread: objects it named (identity_of)
  std::vector<std::uint32_t> born_by_;         // by thread: objects it constructed (birth_identity)
  struct Alias {
    std::uintptr_t begin, size, as;
  };
  std::vector<Alias> aliases_;                 // alias_range
  // The threads that can take the next step (without the timer rule's),
  // kept as threads wait, wake and end. A thread suspended at a scheduling
  // point with a blocker is on the list of its pending object,
  // waiters_[kind][index] (the head; ThreadRecord::next_waiter links the
  // rest; waits on no object are waiters_[0][0]), and its readiness is asked
  // again only at the next decision after an event touched that object
  // (touched_), when a process ends or is killed (touch_all_: every
  // waiter), or, for waits on no object, at every decision. The thread at a
  // scheduling point answers for itself.
  RunnableSet runnable_;
  std::vector<ThreadId> waiters_[kObjectKinds];
  std::vector<ObjectRef> touched_;
  bool touch_all_ = false;
  bool polled_ = false;              // some thread waits on no object (waiters_[0][0])
  std::uint32_t in_sections_ = 0;    // threads inside atomic sections
  std::vector<ThreadId> with_timers_;  // scratch for decide(): runnable_ and timers that may fire
  std::vector<Event> events_;
  Event scratch_;                    // what record() returns while not recording
  bool record_events_ = false;
  bool recording_ = false;
  void* client_ = nullptr;
  // Blocks kept by keep_block, by size class (multiples of 64 bytes).
  static constexpr std::size_t kBlockClasses = 8;
  std::vector<void*> kept_blocks_[kBlockClasses];
  std::vector<Observer*> observers_;
  std::vector<Observer*> listening_;  // those of observers_ that want this execution's events
  std::vector<Tap*> taps_;
  std::size_t observed_ = 0;         // events_[0, observed_) were shown to the observers
  std::size_t keep_events_ = 0;      // keep_events(): 0 keeps every event
  std::uint64_t events_dropped_ = 0; // events of this execution no longer in events_
  Schedule schedule_;
  Arena arena_;
  std::optional<FailureRecord> failure_;
  std::optional<FailureRecord> soft_failure_;  // fail_soft's, until the execution ends
  ThreadLocalSlots slots_ = ThreadLocalSlots::of_this_thread();
  std::uint32_t timed_waiters_ = 0;  // threads waiting with a deadline
  std::vector<std::unique_ptr<ProcessRecord>> processes_;  // kept across executions for reuse
  std::uint32_t process_count_ = 0;                        // processes of this execution
  std::uint32_t faults_left_ = 0;
  bool discarded_ = false;           // discard() ended this execution
  bool pruned_ = false;              // the strategy threw Pruned
  bool stopped_ = false;             // halt() ended it as the program ending
  bool cut_short_ = false;           // ... while other threads had not ended
  bool abandon_ = false;             // abandon_unfinished() was called
  bool discard_endless_ = false;     // discard_endless() was called
  bool endless_ = false;             // ... and the step budget discarded this execution
  std::uint64_t step_budget_ = 0;    // step_budget(): grows with every thread made
  std::uint32_t uncontrolled_ = 0;   // Uncontrolled scopes open: active() is null
  void* extension_ = nullptr;
  std::uint64_t break_step_ = 0;     // break_at()
  std::uint64_t stop_at_ = 0;        // this execution's break step until reached; 0: none
  bool break_reached_ = false;
};

}  // namespace weft::sched
