#include "scheduler/execution.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <atomic>
#include <exception>
#include <typeinfo>

#include <cxxabi.h>

#include "scheduler/debug_registry.h"
#include "scheduler/tsan.h"

namespace weft::sched {

thread_local Execution* Execution::tls_execution_ = nullptr;

namespace {

std::uint64_t next_generation() noexcept {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

// CxaGlobals is the start of the Itanium C++ ABI's per-thread
// exception-handling globals (__cxa_get_globals): the caught exceptions.
struct CxaGlobals {
  void* caught;
  unsigned int uncaught;
};

std::string demangled(const char* name) {
  int status = 0;
  char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string result = status == 0 && out ? out : name;
  std::free(out);
  return result;
}

}  // namespace

// Binding makes `x` the OS thread's execution for the scope of a run.
class Binding {
 public:
  explicit Binding(Execution* x) noexcept : saved_(Execution::tls_execution_) { Execution::tls_execution_ = x; }
  Binding(const Binding&) = delete;
  Binding& operator=(const Binding&) = delete;
  ~Binding() { Execution::tls_execution_ = saved_; }

 private:
  Execution* saved_;
};

struct Execution::ThreadRecord {
  Execution* owner = nullptr;
  ThreadId id = 0;
  bool ended = false;
  Fiber fiber;
  ThreadBody body;
  // The pending operation, while the thread waits at a scheduling point.
  OpKind op = OpKind::Yield;
  ObjectRef object;
  Location where;
  const Blocker* blocker = nullptr;  // the caller's, while it waits in step()
  Time deadline = kNever;
  bool unwind_deferred = false;  // inside release_step: no Unwind may be thrown
  ProcessId process = 0;
  bool killed = false;           // its process is ending: unwind at the next scheduling point
  std::uint32_t atomic_depth = 0;  // nesting of begin_atomic
  bool halted = false;             // left by halt() without unwinding: never resumed
  bool in_body = false;          // running body.run: abandon_thread may jump out
  std::jmp_buf exit_point;       // where abandon_thread jumps to, in thread_main
  // While it waits at a scheduling point with a blocker, the thread is on
  // the waiter list of its pending object (see Execution::waiters_).
  std::uint32_t free_accesses = 0;  // plain accesses since its last scheduling point (see access())
  bool waiting = false;
  ObjectKind wait_kind = ObjectKind::None;
  std::uint32_t wait_index = 0;
  ThreadId next_waiter = kNoThread;
};

struct Execution::ProcessRecord {
  ObjectRef ref;
  std::string name;
  std::uint32_t live = 0;        // threads that have not ended
  Death death = Death::None;
  std::uint64_t steps = 0;       // scheduling points its threads reached
  std::uint64_t crash_at = 0;    // crash at this value of `steps`; 0: never
};

Execution::Execution(StackPool& stacks) : stacks_(stacks) { events_.reserve(256); }

Execution::~Execution() {
  for (auto& t : threads_) t->fiber.retire(stacks_, slots_);
  for (auto& blocks : kept_blocks_)
    for (void* block : blocks) ::operator delete(block);
}

void* Execution::take_block(std::size_t size) {
  const std::size_t size_class = (size + 63) / 64 - 1;
  // Under ThreadSanitizer a block reused across fibers would look like a
  // race between the callables built in it; operator new/delete tell TSan
  // that the memory changed owner.
  if (size_class >= kBlockClasses || tsan::present()) return ::operator new(size);
  auto& blocks = kept_blocks_[size_class];
  if (blocks.empty()) return ::operator new((size_class + 1) * 64);
  void* block = blocks.back();
  blocks.pop_back();
  return block;
}

void Execution::keep_block(void* block, std::size_t size) noexcept {
  const std::size_t size_class = (size + 63) / 64 - 1;
  if (size_class >= kBlockClasses || tsan::present()) return ::operator delete(block);
  try {
    kept_blocks_[size_class].push_back(block);
  } catch (...) {
    ::operator delete(block);
  }
}

Execution* Execution::bound() noexcept { return tls_execution_; }


OpKind Execution::pending_op(ThreadId t) const noexcept { return threads_[t]->op; }

ObjectRef Execution::pending_object(ThreadId t) const noexcept { return threads_[t]->object; }

Location Execution::pending_where(ThreadId t) const noexcept { return threads_[t]->where; }

void Execution::blocked_threads(ThreadId running, std::vector<ThreadId>& out) const {
  out.clear();
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    const ThreadRecord& t = *threads_[i];
    if (i != running && !t.ended && !t.killed && t.blocker && !t.blocker->ready(t.blocker->state, t.id))
      out.push_back(t.id);
  }
}

Execution::ThreadRecord& Execution::make_thread() {
  if (thread_count_ == threads_.size()) threads_.push_back(std::make_unique<ThreadRecord>());
  ThreadRecord& t = *threads_[thread_count_];
  t.owner = this;
  t.id = thread_count_++;
  if (t.id > 0) step_budget_ += std::max<std::uint64_t>(config_.max_steps / 100, 1);
  t.ended = false;
  t.op = OpKind::Yield;
  t.object = {};
  t.where = {};
  t.blocker = nullptr;
  t.deadline = kNever;
  t.unwind_deferred = false;
  t.process = 0;
  t.killed = false;
  t.atomic_depth = 0;
  t.halted = false;
  t.in_body = false;
  t.waiting = false;
  t.next_waiter = kNoThread;
  t.free_accesses = 0;
  return t;
}

Execution::ProcessRecord& Execution::make_process(ObjectRef ref, std::string name) {
  if (process_count_ == processes_.size()) processes_.push_back(std::make_unique<ProcessRecord>());
  ProcessRecord& p = *processes_[process_count_++];
  p = ProcessRecord{};
  p.ref = ref;
  p.name = std::move(name);
  return p;
}

ThreadId Execution::spawn(ThreadBody body) {
  const tsan::Unseen unseen;
  const ProcessId process = current_ < thread_count_ ? threads_[current_]->process : 0;
  ThreadRecord& t = make_thread();
  t.process = process;
  t.killed = processes_[process]->death != Death::None;
  ++processes_[process]->live;
  t.body = body;
  t.fiber.start(stacks_, &Execution::thread_main, &t, t.id);
  runnable_.add(t.id);
  strategy_->on_spawn(t.id);
  return t.id;
}

void Execution::thread_main(void* p) {
  auto& t = *static_cast<ThreadRecord*>(p);
  Execution& x = *t.owner;
  if (!x.aborting_)
    for (Tap* tap : x.taps_) tap->on_start(x, t.id);
  // abandon_thread comes back here, past the body's frames (setjmp returns
  // 1); setjmp stands alone in its condition, as C requires.
  if (x.aborting_) {
  } else if (setjmp(t.exit_point) == 0) {
    // A thread's first step is taken where it starts, not in step().
    if (x.stop_at_ != 0 && x.steps_ == x.stop_at_) [[unlikely]] x.stop_at_break();
    t.in_body = true;
    try {
      t.body.run(t.body.arg);
    } catch (const Unwind&) {
    } catch (const std::exception& e) {
      const tsan::Unseen unseen;
      x.record_failure(Verdict::UncaughtException,
                       "T" + std::to_string(t.id) + " threw " + demangled(typeid(e).name()) + ": " + e.what(), t.where);
    } catch (...) {
      const tsan::Unseen unseen;
      x.record_failure(Verdict::UncaughtException,
                       "T" + std::to_string(t.id) + " threw an exception of type " +
                           demangled(abi::__cxa_current_exception_type()->name()),
                       t.where);
    }
  }
  t.in_body = false;
  // No scope of weft's is open here, unless the thread was abandoned inside one.
  tsan::close_unseen();
  if (t.body.destroy) {
    try {
      t.body.destroy(t.body.arg);
    } catch (const Unwind&) {
    } catch (...) {
      const tsan::Unseen unseen;
      x.record_failure(Verdict::UncaughtException,
                       "T" + std::to_string(t.id) + ": destroying its callable threw", t.where);
    }
  }
  const tsan::Unseen unseen;  // weft-instrument: weft's own work (its vectors may grow) is not the thread's
  if (!x.failure_ && !x.aborting_) x.record(OpKind::End, {ObjectKind::Thread, t.id}, {});
  x.end_thread(t);
}

void Execution::end_thread(ThreadRecord& t) {
  t.ended = true;
  runnable_.remove(t.id);
  touch({ObjectKind::Thread, t.id});
  ProcessRecord& p = *processes_[t.process];
  // A process's end (its last thread's) may wake whoever waits for it, and
  // close what only it used: every waiter looks again.
  if (--p.live == 0) touch_all_ = true;
}

ThreadId Execution::spawn_process(ThreadBody body, ObjectRef ref, std::string name) {
  const ProcessId p = process_count_;
  make_process(ref, std::move(name));
  // spawn puts the thread in its creator's process; move it to the new one.
  const ThreadId t = spawn(body);
  ThreadRecord& r = *threads_[t];
  --processes_[r.process]->live;
  r.process = p;
  r.killed = false;
  ++processes_[p]->live;
  return t;
}

ProcessId Execution::process_of(ThreadId t) const noexcept { return threads_[t]->process; }
const std::string& Execution::process_name(ProcessId p) const noexcept { return processes_[p]->name; }
void Execution::rename_process(ProcessId p, std::string name) { processes_[p]->name = std::move(name); }
Death Execution::death_of(ProcessId p) const noexcept { return processes_[p]->death; }
bool Execution::process_ended(ProcessId p) const noexcept { return processes_[p]->live == 0; }

void Execution::end_process(ProcessId p, Death how) noexcept {
  ProcessRecord& r = *processes_[p];
  if (r.death == Death::None) r.death = how;
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    ThreadRecord& t = *threads_[i];
    if (t.process != p || t.ended) continue;
    t.killed = true;
    runnable_.add(t.id);  // a killed thread runs, whatever it waits for, to unwind
  }
  touch_all_ = true;
}

void Execution::plan_crash(ProcessId p, std::uint64_t at) noexcept {
  processes_[p]->crash_at = processes_[p]->steps + at;
}

void Execution::count_process_step(ThreadRecord& me, Location where) {
  ProcessRecord& p = *processes_[me.process];
  if (++p.steps != p.crash_at || p.death != Death::None || faults_left_ == 0) return;
  --faults_left_;
  record(OpKind::Crash, p.ref, where).flags = kFault;
  end_process(me.process, Death::Crashed);
}

void Execution::unwind_if_killed() {
  if (threads_[current_]->killed && may_unwind()) throw Unwind{};
}

Blocker Execution::process_blocker(ProcessId p) const noexcept {
  Blocker b;
  b.state = processes_[p].get();
  b.ready = [](const void* state, ThreadId) { return static_cast<const ProcessRecord*>(state)->live == 0; };
  return b;
}

void Execution::run(Strategy& strategy, const Config& config, std::uint64_t index, ThreadBody body) {
  Binding binding(this);
  slots_ = ThreadLocalSlots::of_this_thread();
  timed_waiters_ = 0;
  runnable_.clear();
  for (auto& heads : waiters_) heads.clear();
  touched_.clear();
  touch_all_ = false;
  polled_ = false;
  in_sections_ = 0;
  strategy_ = &strategy;
  config_ = config;
  thread_count_ = 0;
  current_ = next_ = kNoThread;
  on_fiber_ = aborting_ = false;
  discarded_ = stopped_ = cut_short_ = abandon_ = pruned_ = false;
  discard_endless_ = endless_ = false;
  step_budget_ = config.max_steps;
  uncontrolled_ = 0;
  steps_ = 0;
  free_accesses_ = 0;
  generation_ = next_generation();
  index_ = index;
  now_ = 0;
  std::fill(std::begin(object_counts_), std::end(object_counts_), 0u);
  if (track_identities_) {
    for (auto& list : identities_) list.clear();
    made_by_.clear();
    born_by_.clear();
    aliases_.clear();
  }
  process_count_ = 0;
  make_process({}, "main");
  faults_left_ = config.max_faults;
  events_.clear();
  events_dropped_ = 0;
  schedule_.clear();
  failure_.reset();
  soft_failure_.reset();
  arena_.reset();
  extension_ = nullptr;
  stop_at_ = break_step_;
  break_reached_ = false;

  observed_ = 0;
  // Each execution is judged on its own by ThreadSanitizer too: nothing it
  // learnt in the previous one (clocks, reported addresses) carries over.
  tsan::forget_everything();
  strategy.begin(index);
  listening_.clear();
  for (Observer* o : observers_) {
    o->begin(*this);
    if (o->wants_events()) listening_.push_back(o);
  }
  recording_ = record_events_ || !listening_.empty() || !taps_.empty();
  current_ = spawn(body);
  for (;;) {
    ThreadRecord& t = *threads_[current_];
    on_fiber_ = true;
    t.fiber.resume(slots_);
    on_fiber_ = false;
    if (failure_ || aborting_) break;  // a failure, a discard or a halt
    if (!t.ended) {
      current_ = next_;
      continue;
    }
    if (std::all_of(threads_.begin(), threads_.begin() + thread_count_, [](const auto& r) { return r->ended; }))
      break;
    const ThreadId next = decide(kNoThread, false);
    if (failure_ || aborting_) break;  // a failure, or the strategy pruned the execution
    current_ = next;
  }
  if (!failure_ && !discarded_ && !pruned_) notify_observers();
  if (failure_ || aborting_) unwind_all();
  settle_soft_failure();
  for (Observer* o : observers_) o->end(*this);
  strategy.end(steps_);
  arena_.reset();
  extension_ = nullptr;
}

void Execution::unwind_all() {
  aborting_ = true;
  // Newest first: a thread usually refers to objects on its creator's stack,
  // so those must outlive its unwinding.
  for (std::uint32_t i = thread_count_; i-- > 0;) {
    ThreadRecord& t = *threads_[i];
    if (t.ended) continue;
    if (abandon_ || t.halted) {
      abandon(t);
      continue;
    }
    current_ = t.id;
    on_fiber_ = true;
    t.fiber.resume(slots_);
    on_fiber_ = false;
    if (!t.ended) abandon(t);  // it halted while unwinding
  }
  current_ = kNoThread;
}

void Execution::abandon(ThreadRecord& t) noexcept {
  t.fiber.abandon(stacks_);
  // The callable is still owned here; destroy it on the scheduler's stack.
  if (t.body.destroy) {
    try {
      t.body.destroy(t.body.arg);
    } catch (...) {
    }
  }
  if (!t.ended) end_thread(t);
}

inline bool Execution::runnable(const ThreadRecord& t, Time earliest_due) const noexcept {
  if (t.ended) return false;
  if (!t.blocker || t.blocker->ready(t.blocker->state, t.id)) return true;
  if (t.killed) return true;  // it unwinds, whatever it waited for
  return t.deadline != kNever && (t.deadline <= now_ || t.deadline == earliest_due);
}

ThreadId Execution::decide(ThreadId current, bool yielding) {
  if (++steps_ > step_budget_) [[unlikely]] {
    if (discard_endless_) {
      endless_ = !failure_ && !discarded_ && !stopped_;
      discard();
      return current;
    }
    fail(Verdict::Hang,
         "the execution took more than " + std::to_string(step_budget_) + " steps (Options::max_steps" +
             (step_budget_ > config_.max_steps ? std::string(" with its share per thread") : std::string()) +
             "): a livelock, or a loop that waits without blocking",
         current != kNoThread ? threads_[current]->where : Location{});
    return current;
  }
  if (touch_all_ | !touched_.empty() | polled_ | (timed_waiters_ > 0) | (in_sections_ > 0)) [[unlikely]]
    return decide_slowly(current, yielding);
  const std::span<const ThreadId> choices = runnable_.members();
  if (choices.size() == 1) return choices[0];
  if (choices.empty()) [[unlikely]] return deadlock(current);
  return choose_thread(choices, &runnable_, current, yielding);
}

ThreadId Execution::decide_slowly(ThreadId current, bool yielding) {
  update_runnable();
  std::span<const ThreadId> choices = runnable_.members();
  const RunnableSet* set = &runnable_;
  if (timed_waiters_ > 0) {
    // The timer rule: a timed wait whose deadline is the earliest pending
    // one (or past) may time out now, as the strategy chooses.
    const Time earliest = earliest_deadline();
    with_timers_.assign(choices.begin(), choices.end());
    for (std::uint32_t i = 0; i < thread_count_; ++i) {
      const ThreadRecord& t = *threads_[i];
      if (!t.ended && t.deadline != kNever && !runnable_.contains(t.id) && (t.deadline <= now_ || t.deadline == earliest))
        with_timers_.push_back(t.id);
    }
    choices = with_timers_;
    set = nullptr;
  }
  if (current != kNoThread && threads_[current]->atomic_depth > 0 &&
      std::find(choices.begin(), choices.end(), current) != choices.end())
    return current;
  if (choices.size() == 1) return choices[0];
  if (choices.empty()) return deadlock(current);
  return choose_thread(choices, set, current, yielding);
}

ThreadId Execution::deadlock(ThreadId current) {
  fail(Verdict::Deadlock, "no thread can run", current != kNoThread ? threads_[current]->where : Location{});
  return current;
}

void Execution::update_runnable() {
  if (touch_all_) {
    touch_all_ = false;
    touched_.clear();
    for (auto& heads : waiters_)
      for (ThreadId head : heads) recheck(head);
  } else {
    for (const ObjectRef o : touched_) recheck(waiters_[static_cast<unsigned>(o.kind) % kObjectKinds][o.index]);
    touched_.clear();
    // Waits on no object (a sleep) are few; their readiness is asked each time.
    if (polled_) recheck(waiters_[0][0]);
  }
#ifndef NDEBUG
  verify_runnable();
#endif
}

void Execution::recheck(ThreadId waiter) {
  for (ThreadId w = waiter; w != kNoThread;) {
    const ThreadRecord& t = *threads_[w];
    runnable_.set(w, t.killed || t.blocker->ready(t.blocker->state, w));
    w = t.next_waiter;
  }
}

#ifndef NDEBUG
// verify_runnable checks the incremental set against every thread's own
// answer: a primitive that changed what a waiter waits for without an
// event on the object it waits on would leave a waiter asleep.
void Execution::verify_runnable() const {
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    const ThreadRecord& t = *threads_[i];
    const bool expected = !t.ended && (!t.blocker || t.killed || t.blocker->ready(t.blocker->state, t.id));
    if (expected != runnable_.contains(t.id)) {
      std::fprintf(stderr, "weft: internal error: T%u is %srunnable but the runnable set says otherwise (op %u)\n",
                   t.id, expected ? "" : "not ", static_cast<unsigned>(t.op));
      std::abort();
    }
  }
}
#endif

void Execution::wait_on(ThreadRecord& t) {
  const ObjectRef o = t.object;
  auto& heads = waiters_[static_cast<unsigned>(o.kind) % kObjectKinds];
  const std::uint32_t index = o.kind == ObjectKind::None ? 0 : o.index;
  if (index >= heads.size()) heads.resize(index + 1, kNoThread);
  t.next_waiter = heads[index];
  heads[index] = t.id;
  polled_ = !waiters_[0].empty() && waiters_[0][0] != kNoThread;
  t.waiting = true;
  t.wait_index = index;
  t.wait_kind = o.kind;
}

void Execution::stop_waiting(ThreadRecord& t) noexcept {
  if (!t.waiting) return;
  ThreadId* link = &waiters_[static_cast<unsigned>(t.wait_kind) % kObjectKinds][t.wait_index];
  while (*link != t.id) link = &threads_[*link]->next_waiter;
  *link = t.next_waiter;
  t.next_waiter = kNoThread;
  polled_ = !waiters_[0].empty() && waiters_[0][0] != kNoThread;
  t.waiting = false;
}

Time Execution::earliest_deadline() const noexcept {
  // A timed wait can time out once its deadline is the earliest pending
  // one: timers fire in deadline order, and may fire before, between or
  // after the other threads' steps, as the strategy chooses.
  Time earliest = kNever;
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    const ThreadRecord& t = *threads_[i];
    if (!t.ended && t.deadline != kNever && t.blocker && !t.blocker->ready(t.blocker->state, t.id))
      earliest = std::min(earliest, t.deadline);
  }
  return earliest;
}

ThreadId Execution::choose_thread(std::span<const ThreadId> runnable, const RunnableSet* set, ThreadId current,
                                   bool yielding) {
  const Decision d{runnable, current, yielding, steps_, thread_count_, set};
  ThreadId pick = current;
  // fail() runs past the catch block: it may suspend this fiber for good (a
  // thread that must not unwind), and the caught exception would never be
  // freed.
  std::string mismatch;
  try {
    pick = strategy_->pick_thread(d);
  } catch (const ScheduleMismatch& e) {
    mismatch = e.what();
  } catch (const Pruned&) {
    prune();
    return current;
  }
  if (!mismatch.empty()) {
    fail(Verdict::ReplayError, std::move(mismatch));
    return current;
  }
  schedule_.push(pick, thread_count_);
  return pick;
}

StepResult Execution::step(OpKind op, ObjectRef object, Location where, const Blocker* blocker, Time deadline,
                           bool yielding) {
  const tsan::Unseen unseen;
  ThreadRecord& me = *threads_[current_];
  if (aborting_ || me.process != 0 || me.killed || observed_ < events_.size()) [[unlikely]] {
    if (observed_ < events_.size() && !listening_.empty()) notify_observers();
    if (keep_events_ != 0 && events_.size() >= 2 * keep_events_ + 4096) trim_events();
    if (aborting_) return abort_point();
    if (me.process != 0) count_process_step(me, where);
    if (me.killed && may_unwind()) throw Unwind{};
  }
  me.op = op;
  me.object = object;
  me.where = where;
  me.free_accesses = 0;
  if (blocker && blocker->ready) {
    me.blocker = blocker;
    me.deadline = deadline;
    if (deadline != kNever) ++timed_waiters_;
    runnable_.set(me.id, me.killed || blocker->ready(blocker->state, me.id));
  }
  const ThreadId next = decide(current_, yielding);
  // decide sets aborting_ exactly when it failed the execution or the
  // strategy pruned it.
  if (aborting_) {
    clear_pending(me);
    return abort_point();
  }
  if (next != current_) {
    next_ = next;
    // While it is suspended, the thread waits on its object's list: whoever
    // records an event on that object makes it look again.
    if (me.blocker) wait_on(me);
    me.fiber.suspend();
    if (aborting_) {
      clear_pending(me);
      return abort_point();
    }
  }
  // steps_ is at least 1 here: a break step of 0 is none.
  if (steps_ == stop_at_) [[unlikely]] stop_at_break();
  if (!me.blocker) return StepResult::Ready;
  if (me.deadline == kNever && !me.killed && !me.waiting) {
    // Chosen from the runnable set without a timer: it is ready.
    me.blocker = nullptr;
    return StepResult::Ready;
  }
  const bool ready = me.blocker->ready(me.blocker->state, me.id);
  if (me.killed) {
    // Its process died while it waited: unwind, or, where it cannot (a
    // destructor), give up the wait but let a ready operation take effect.
    clear_pending(me);
    if (may_unwind()) throw Unwind{};
    return ready ? StepResult::Ready : StepResult::Aborted;
  }
  StepResult result = StepResult::Ready;
  if (!ready) {
    result = StepResult::TimedOut;
    now_ = std::max(now_, me.deadline);
  }
  clear_pending(me);
  return result;
}

StepResult Execution::count_access(OpKind op, ObjectRef object, Location where) {
  if (aborting_) [[unlikely]] return abort_point();
  ++free_accesses_;
  if (++threads_[current_]->free_accesses < kSpinAccesses) [[likely]] return StepResult::Ready;
  return step(op, object, where, nullptr, kNever, /*yielding=*/true);
}

StepResult Execution::release_step(OpKind op, ObjectRef object, Location where, const Blocker* blocker) {
  if (aborting_) {
    if (abandon_ && on_fiber_) halt();  // suspends for good; never throws
    return StepResult::Aborted;
  }
  const UnwindDeferral deferral(*this);
  StepResult r = StepResult::Aborted;
  try {
    r = step(op, object, where, blocker);
  } catch (const Unwind&) {
    // Never thrown while deferred; caught so that no path can terminate.
  }
  return r;
}

void Execution::trim_events() {
  // Only events every listening observer has seen go, oldest first; the
  // threshold in step() makes the moves cost O(1) per event.
  const std::size_t seen = listening_.empty() ? events_.size() : observed_;
  const std::size_t drop = std::min(seen, events_.size() - keep_events_);
  events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(drop));
  events_dropped_ += drop;
  observed_ = observed_ > drop ? observed_ - drop : 0;
}

void Execution::notify_observers() {
  // Events are shown once complete: the operation that recorded the last
  // one has returned by the time its thread reaches another step.
  for (; observed_ < events_.size() && !failure_ && !discarded_; ++observed_)
    for (Observer* o : listening_) o->on_event(*this, events_[observed_]);
}

void Execution::clear_pending(ThreadRecord& t) noexcept {
  if (t.deadline != kNever) {
    --timed_waiters_;
    t.deadline = kNever;
  }
  if (t.waiting) stop_waiting(t);
  t.blocker = nullptr;
  // Chosen by the timer rule, it may not have been in the set.
  if (!t.ended) runnable_.add(t.id);
}

bool& Execution::unwind_deferred() noexcept { return threads_[current_]->unwind_deferred; }

bool Execution::may_unwind() const noexcept {
  return on_fiber_ && current_ < thread_count_ && !threads_[current_]->unwind_deferred &&
         std::uncaught_exceptions() == 0;
}

StepResult Execution::abort_point() {
  // A thread that must not be unwound goes no further at all.
  if (abandon_ && on_fiber_ && current_ < thread_count_) halt();
  if (may_unwind()) throw Unwind{};
  return StepResult::Aborted;
}

Event& Execution::append(OpKind op, ObjectRef object, Location where, std::uint8_t flags, ThreadId peer,
                         std::memory_order order, std::uint64_t value) {
  const tsan::Unseen unseen;
  Event& e = events_.emplace_back();
  e.step = steps_;
  e.thread = current_;
  e.op = op;
  e.flags = flags;
  e.order = order;
  e.object = object;
  e.peer = peer;
  e.value = value;
  e.where = where;
  for (Tap* tap : taps_) tap->on_record(*this, e);
  return e;
}

std::uint32_t Execution::choose_from(std::uint32_t bound, bool rare) {
  if (bound <= 1 || aborting_) return 0;
  const tsan::Unseen unseen;
  std::uint32_t value = 0;
  std::string mismatch;  // failed past the catch block, as in choose_thread
  try {
    value = rare ? strategy_->pick_rare(bound, steps_) : strategy_->pick_value(bound, steps_);
  } catch (const ScheduleMismatch& e) {
    mismatch = e.what();
  } catch (const Pruned&) {
    // The caller goes on with 0 to its next scheduling point, which unwinds.
    prune();
    return 0;
  }
  if (!mismatch.empty()) {
    fail(Verdict::ReplayError, std::move(mismatch));
    return 0;
  }
  schedule_.push(value, bound);
  return value;
}

std::uint64_t Execution::choose_bits(unsigned bits) {
  std::uint64_t value = 0;
  for (unsigned done = 0; done < bits && done < 64; done += 16) {
    const unsigned width = std::min(16u, bits - done);
    value |= std::uint64_t{choose(1u << width)} << done;
  }
  return value;
}

void Execution::begin_atomic() noexcept {
  if (threads_[current_]->atomic_depth++ == 0) ++in_sections_;
}

bool Execution::end_atomic() noexcept {
  std::uint32_t& depth = threads_[current_]->atomic_depth;
  if (depth == 0) return false;
  if (--depth == 0) --in_sections_;
  return true;
}

void Execution::prune() noexcept {
  if (failure_ || discarded_ || stopped_) return;
  pruned_ = true;
  aborting_ = true;
}

void Execution::discard() noexcept {
  if (failure_ || discarded_ || stopped_) return;
  discarded_ = true;
  aborting_ = true;
}

bool Execution::in_atomic() const noexcept { return current_ < thread_count_ && threads_[current_]->atomic_depth > 0; }

bool Execution::others_running() const noexcept {
  for (std::uint32_t i = 0; i < thread_count_; ++i)
    if (i != current_ && !threads_[i]->ended) return true;
  return false;
}

void Execution::halt() {
  if (!failure_ && !discarded_ && !stopped_) {
    stopped_ = true;
    cut_short_ = others_running();
  }
  aborting_ = true;
  ThreadRecord& me = *threads_[current_];
  if (!abandon_ && may_unwind()) throw Unwind{};
  me.halted = true;
  me.fiber.suspend();
  // unwind_all abandons a halted thread; nothing resumes it.
  std::abort();
}

Outcome Execution::outcome() const noexcept {
  if (failure_) return Outcome::Failed;
  if (discarded_) return Outcome::Discarded;
  if (pruned_) return Outcome::Pruned;
  return stopped_ ? Outcome::Stopped : Outcome::Completed;
}

ObjectRef Execution::name_object(ObjectKind kind) noexcept {
  const ObjectRef ref{kind, ++object_counts_[static_cast<unsigned>(kind) % kObjectKinds]};
  if (track_identities_) [[unlikely]] {
    const ThreadId maker = current_ < thread_count_ ? current_ : 0;
    if (maker >= made_by_.size()) made_by_.resize(maker + 1, 0);
    auto& list = identities_[static_cast<unsigned>(kind) % kObjectKinds];
    if (list.size() <= ref.index) list.resize(ref.index + 1, 0);
    list[ref.index] = (std::uint64_t{maker} << 24) | made_by_[maker]++;
  }
  return ref;
}

std::uint64_t Execution::birth_identity() noexcept {
  const ThreadId maker = current_ < thread_count_ ? current_ : 0;
  if (maker >= born_by_.size()) born_by_.resize(maker + 1, 0);
  // Bit 53 tells births from the other kinds of identity (bind_address).
  return (std::uint64_t{1} << 53) | (std::uint64_t{maker} << 24) | born_by_[maker]++;
}

void Execution::bind_address(ObjectRef ref, const void* address, std::uint64_t birth) noexcept {
  if (!track_identities_) return;
  auto& list = identities_[static_cast<unsigned>(ref.kind) % kObjectKinds];
  if (list.size() <= ref.index) list.resize(ref.index + 1, 0);
  std::uintptr_t at = reinterpret_cast<std::uintptr_t>(address);
  for (const Alias& a : aliases_)
    if (at - a.begin < a.size) at = a.as + (at - a.begin);
  // On a thread's stack, an object is known by the thread and its depth
  // there, which do not depend on which stack the thread ran on (bit 54).
  for (ThreadId t = 0; t < thread_count_; ++t) {
    const Stack& stack = threads_[t]->fiber.stack();
    const auto top = reinterpret_cast<std::uintptr_t>(stack.top());
    if (stack.base != nullptr && at >= reinterpret_cast<std::uintptr_t>(stack.base) && at < top) {
      list[ref.index] = (std::uint64_t{1} << 54) | (std::uint64_t{t} << 40) | (top - at);
      return;
    }
  }
  if (birth != 0) {
    list[ref.index] = birth;
    return;
  }
  // Bit 55 tells addresses from makers; user-space addresses fit in 47 bits.
  list[ref.index] = (std::uint64_t{1} << 55) | at;
}

void Execution::alias_range(const void* begin, std::size_t size, const void* as) {
  if (!track_identities_) return;
  aliases_.push_back({reinterpret_cast<std::uintptr_t>(begin), size, reinterpret_cast<std::uintptr_t>(as)});
}

std::uint64_t Execution::identity_of(ObjectRef ref) const noexcept {
  // A thread is its number: threads are numbered in the order they start.
  if (!track_identities_ || ref.kind == ObjectKind::Thread) return ref.index;
  const auto& list = identities_[static_cast<unsigned>(ref.kind) % kObjectKinds];
  return ref.index < list.size() ? list[ref.index] : ref.index;
}

void Execution::fail(Verdict verdict, std::string message, Location where) {
  {
    const tsan::Unseen unseen;
    record_failure(verdict, std::move(message), where);
  }
  aborting_ = true;
  abort_point();
}

void Execution::fail_soft(Verdict verdict, std::string message, Location where) {
  const tsan::Unseen unseen;
  if (failure_ || discarded_ || pruned_) return;
  if (soft_failure_) {
    soft_failure_->message += "\n" + message;
    return;
  }
  soft_failure_ = failure_record(verdict, std::move(message), where);
}

void Execution::settle_soft_failure() {
  if (!soft_failure_) return;
  // The soft failure came first: it is the one that counts, and what ended
  // the execution after it is told after its own messages.
  if (failure_) soft_failure_->message += "\nthen the execution ended with " + failure_->message;
  failure_ = std::move(soft_failure_);
  soft_failure_.reset();
}

void Execution::drop_current() noexcept {
  ThreadRecord& me = *threads_[current_];
  aborting_ = true;
  uncontrolled_ = 0;
  me.halted = true;
  me.in_body = false;
  // What the dropped frames had caught or were throwing is freed now: no
  // catch block of theirs will ever end.
  for (auto* globals = reinterpret_cast<CxaGlobals*>(abi::__cxa_get_globals()); globals->caught;)
    abi::__cxa_end_catch();
  // TSan's ignore count belongs to the fiber's context, which the next
  // thread on this fiber reuses.
  tsan::close_unseen();
  me.fiber.suspend();
  // unwind_all abandons a halted thread; nothing resumes it.
  __builtin_trap();
}

void Execution::fail_later(Verdict verdict, std::string message, Location where) {
  const tsan::Unseen unseen;
  record_failure(verdict, std::move(message), where);
  aborting_ = true;
}

Blocker Execution::join_blocker(ThreadId target) const noexcept {
  Blocker b;
  b.state = threads_[target].get();
  b.ready = [](const void* state, ThreadId) { return static_cast<const ThreadRecord*>(state)->ended; };
  b.holders = [](const void* state, ThreadId, std::vector<ThreadId>& out) {
    out.push_back(static_cast<const ThreadRecord*>(state)->id);
  };
  return b;
}

void Execution::abandon_thread() noexcept {
  if (!on_fiber_ || current_ >= thread_count_) return;
  ThreadRecord& t = *threads_[current_];
  if (!t.in_body) return;
  t.in_body = false;
  t.unwind_deferred = false;
  // An exception caught or in flight in the abandoned frames is forgotten
  // with them; the rest of thread_main must not see it.
  slots_.install(ThreadLocalState{});
  // glibc's longjmp, so that sanitizers that intercept it (ASan unpoisons
  // the frames jumped over, TSan pops its shadow stack) see the jump.
  std::longjmp(t.exit_point, 1);
}

const Fiber& Execution::fiber_of(ThreadId t) const noexcept { return threads_[t]->fiber; }

void Execution::stop_at_break() {
  stop_at_ = 0;
  break_reached_ = true;
  const Uncontrolled uncontrolled;
  debug_break(*this);
}

const Stack* Execution::current_stack() const noexcept {
  return on_fiber_ && current_ < thread_count_ ? &threads_[current_]->fiber.stack() : nullptr;
}

void Execution::crash(std::string message) {
  discarded_ = false;  // the report is printed whatever the outcome was
  record_failure(Verdict::Crash, std::move(message), current_ < thread_count_ ? threads_[current_]->where : Location{});
}

void Execution::record_failure(Verdict verdict, std::string message, Location where) {
  if (failure_ || discarded_ || pruned_) return;
  failure_ = failure_record(verdict, std::move(message), where);
}

FailureRecord Execution::failure_record(Verdict verdict, std::string message, Location where) const {
  FailureRecord f;
  f.verdict = verdict;
  f.message = std::move(message);
  f.step = steps_;
  f.thread = verdict == Verdict::Deadlock ? kNoThread : current_;
  f.where = where;
  f.threads = snapshot();
  for (ThreadView& v : f.threads)
    if (v.id == f.thread && v.state == ThreadView::State::Running && where.line) v.where = where;
  return f;
}

std::vector<ThreadView> Execution::snapshot() const {
  std::vector<ThreadView> views;
  const Time earliest = earliest_deadline();
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    const ThreadRecord& t = *threads_[i];
    ThreadView v;
    v.id = t.id;
    v.op = t.op;
    v.object = t.object;
    v.where = t.where;
    v.timed = t.deadline != kNever;
    if (process_count_ > 1) v.process = processes_[t.process]->name;
    if (t.ended) {
      v.state = ThreadView::State::Finished;
    } else if (t.blocker && !runnable(t, earliest)) {
      v.state = ThreadView::State::Blocked;
      if (t.blocker->holders) t.blocker->holders(t.blocker->state, t.id, v.waits_for);
      if (t.blocker->describe) t.blocker->describe(t.blocker->state, t.id, v.detail);
    } else if (t.id == current_ && on_fiber_) {
      v.state = ThreadView::State::Running;
    } else {
      v.state = ThreadView::State::Runnable;
    }
    views.push_back(std::move(v));
  }
  return views;
}

}  // namespace weft::sched
