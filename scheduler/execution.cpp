#include "scheduler/execution.h"

#include <algorithm>
#include <csetjmp>
#include <cstdlib>
#include <atomic>
#include <exception>
#include <typeinfo>

#include <cxxabi.h>

#include "scheduler/tsan.h"

namespace weft::sched {

thread_local Execution* Execution::tls_execution_ = nullptr;

namespace {

std::uint64_t next_generation() noexcept {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

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
  Blocker blocker;
  Time deadline = kNever;
  bool unwind_deferred = false;  // inside release_step: no Unwind may be thrown
  ProcessId process = 0;
  bool killed = false;           // its process is ending: unwind at the next scheduling point
  std::uint32_t atomic_depth = 0;  // nesting of begin_atomic
  bool halted = false;             // left by halt() without unwinding: never resumed
  bool in_body = false;          // running body.run: abandon_thread may jump out
  std::jmp_buf exit_point;       // where abandon_thread jumps to, in thread_main
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
}

Execution* Execution::bound() noexcept { return tls_execution_; }


OpKind Execution::pending_op(ThreadId t) const noexcept { return threads_[t]->op; }

ObjectRef Execution::pending_object(ThreadId t) const noexcept { return threads_[t]->object; }

Execution::ThreadRecord& Execution::make_thread() {
  if (thread_count_ == threads_.size()) {
    threads_.push_back(std::make_unique<ThreadRecord>());
    runnable_.resize(threads_.size());  // decide() writes up to one slot per thread
  }
  ThreadRecord& t = *threads_[thread_count_];
  t.owner = this;
  t.id = thread_count_++;
  t.ended = false;
  t.op = OpKind::Yield;
  t.object = {};
  t.where = {};
  t.blocker = {};
  t.deadline = kNever;
  t.unwind_deferred = false;
  t.process = 0;
  t.killed = false;
  t.atomic_depth = 0;
  t.halted = false;
  t.in_body = false;
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
  if (!x.failure_ && !x.aborting_) x.record(OpKind::End, {ObjectKind::Thread, t.id}, {});
  t.ended = true;
  --x.processes_[t.process]->live;
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
  for (std::uint32_t i = 0; i < thread_count_; ++i)
    if (threads_[i]->process == p && !threads_[i]->ended) threads_[i]->killed = true;
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
  strategy_ = &strategy;
  config_ = config;
  thread_count_ = 0;
  current_ = next_ = kNoThread;
  on_fiber_ = aborting_ = false;
  discarded_ = stopped_ = cut_short_ = abandon_ = false;
  uncontrolled_ = 0;
  steps_ = 0;
  generation_ = next_generation();
  index_ = index;
  now_ = 0;
  std::fill(std::begin(object_counts_), std::end(object_counts_), 0u);
  process_count_ = 0;
  make_process({}, "main");
  faults_left_ = config.max_faults;
  events_.clear();
  events_dropped_ = 0;
  schedule_.clear();
  failure_.reset();
  arena_.reset();
  extension_ = nullptr;

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
    if (failure_) break;
    current_ = next;
  }
  if (!failure_ && !discarded_) notify_observers();
  if (failure_ || aborting_) unwind_all();
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
  t.ended = true;
}

inline bool Execution::runnable(const ThreadRecord& t, Time earliest_due) const noexcept {
  if (t.ended) return false;
  if (!t.blocker.ready || t.blocker.ready(t.blocker.state, t.id)) return true;
  if (t.killed) return true;  // it unwinds, whatever it waited for
  return t.deadline != kNever && (t.deadline <= now_ || t.deadline == earliest_due);
}

ThreadId Execution::decide(ThreadId current, bool yielding) {
  if (++steps_ > config_.max_steps) {
    fail(Verdict::Hang,
         "the execution took more than " + std::to_string(config_.max_steps) +
             " steps (Options::max_steps): a livelock, or a loop that waits without blocking",
         current != kNoThread ? threads_[current]->where : Location{});
    return current;
  }
  const Time earliest = timed_waiters_ > 0 ? earliest_deadline() : kNever;
  if (current != kNoThread && threads_[current]->atomic_depth > 0 && runnable(*threads_[current], earliest))
    return current;
  ThreadId* const out = runnable_.data();
  std::uint32_t n = 0;
  for (std::uint32_t i = 0; i < thread_count_; ++i)
    if (runnable(*threads_[i], earliest)) out[n++] = i;
  if (n == 1) return out[0];
  if (n == 0) {
    fail(Verdict::Deadlock, "no thread can run", current != kNoThread ? threads_[current]->where : Location{});
    return current;
  }
  return choose_thread(std::span<const ThreadId>(out, n), current, yielding);
}

Time Execution::earliest_deadline() const noexcept {
  // A timed wait can time out once its deadline is the earliest pending
  // one: timers fire in deadline order, and may fire before, between or
  // after the other threads' steps, as the strategy chooses.
  Time earliest = kNever;
  for (std::uint32_t i = 0; i < thread_count_; ++i) {
    const ThreadRecord& t = *threads_[i];
    if (!t.ended && t.deadline != kNever && t.blocker.ready && !t.blocker.ready(t.blocker.state, t.id))
      earliest = std::min(earliest, t.deadline);
  }
  return earliest;
}

ThreadId Execution::choose_thread(std::span<const ThreadId> runnable, ThreadId current, bool yielding) {
  const Decision d{runnable, current, yielding, steps_, thread_count_};
  ThreadId pick;
  try {
    pick = strategy_->pick_thread(d);
  } catch (const ScheduleMismatch& e) {
    fail(Verdict::ReplayError, e.what());
    return current;
  }
  schedule_.push(pick, thread_count_);
  return pick;
}

StepResult Execution::step(OpKind op, ObjectRef object, Location where, const Blocker* blocker, Time deadline,
                           bool yielding) {
  const tsan::Unseen unseen;
  ThreadRecord& me = *threads_[current_];
  if (observed_ < events_.size() && !listening_.empty()) notify_observers();
  if (keep_events_ != 0 && events_.size() >= 2 * keep_events_ + 4096) trim_events();
  if (aborting_) return abort_point();
  if (me.process != 0) count_process_step(me, where);
  if (me.killed && may_unwind()) throw Unwind{};
  me.op = op;
  me.object = object;
  me.where = where;
  me.blocker = blocker ? *blocker : Blocker{};
  me.deadline = deadline;
  if (deadline != kNever) ++timed_waiters_;
  const ThreadId next = decide(current_, yielding);
  if (failure_) return abort_point();
  if (next != current_) {
    next_ = next;
    me.fiber.suspend();
    if (aborting_) {
      clear_pending(me);
      return abort_point();
    }
  }
  if (me.killed) {
    // Its process died while it waited: unwind, or, where it cannot (a
    // destructor), give up the wait but let a ready operation take effect.
    const bool ready = !me.blocker.ready || me.blocker.ready(me.blocker.state, me.id);
    clear_pending(me);
    if (may_unwind()) throw Unwind{};
    return ready ? StepResult::Ready : StepResult::Aborted;
  }
  StepResult result = StepResult::Ready;
  if (me.blocker.ready && !me.blocker.ready(me.blocker.state, me.id)) {
    result = StepResult::TimedOut;
    now_ = std::max(now_, me.deadline);
  }
  clear_pending(me);
  return result;
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
  if (t.deadline != kNever) --timed_waiters_;
  t.blocker = {};
  t.deadline = kNever;
}

Execution::UnwindDeferral::UnwindDeferral(Execution& x) noexcept
    : x_(x), saved_(x.threads_[x.current_]->unwind_deferred) {
  x.threads_[x.current_]->unwind_deferred = true;
}

Execution::UnwindDeferral::~UnwindDeferral() { x_.threads_[x_.current_]->unwind_deferred = saved_; }

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

Event& Execution::record(OpKind op, ObjectRef object, Location where, std::uint8_t flags, ThreadId peer,
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

std::uint32_t Execution::choose(std::uint32_t bound) {
  if (bound <= 1 || aborting_) return 0;
  const tsan::Unseen unseen;
  std::uint32_t value = 0;
  try {
    value = strategy_->pick_value(bound, steps_);
  } catch (const ScheduleMismatch& e) {
    fail(Verdict::ReplayError, e.what());
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

void Execution::begin_atomic() noexcept { ++threads_[current_]->atomic_depth; }

bool Execution::end_atomic() noexcept {
  std::uint32_t& depth = threads_[current_]->atomic_depth;
  if (depth == 0) return false;
  --depth;
  return true;
}

void Execution::discard() noexcept {
  if (failure_ || discarded_ || stopped_) return;
  discarded_ = true;
  aborting_ = true;
}

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
  return stopped_ ? Outcome::Stopped : Outcome::Completed;
}

ObjectRef Execution::name_object(ObjectKind kind) noexcept {
  return {kind, ++object_counts_[static_cast<unsigned>(kind)]};
}

void Execution::fail(Verdict verdict, std::string message, Location where) {
  {
    const tsan::Unseen unseen;
    record_failure(verdict, std::move(message), where);
  }
  aborting_ = true;
  abort_point();
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

const Stack* Execution::current_stack() const noexcept {
  return on_fiber_ && current_ < thread_count_ ? &threads_[current_]->fiber.stack() : nullptr;
}

void Execution::crash(std::string message) {
  discarded_ = false;  // the report is printed whatever the outcome was
  record_failure(Verdict::Crash, std::move(message), current_ < thread_count_ ? threads_[current_]->where : Location{});
}

void Execution::record_failure(Verdict verdict, std::string message, Location where) {
  if (failure_ || discarded_) return;
  FailureRecord f;
  f.verdict = verdict;
  f.message = std::move(message);
  f.step = steps_;
  f.thread = verdict == Verdict::Deadlock ? kNoThread : current_;
  f.where = where;
  f.threads = snapshot();
  for (ThreadView& v : f.threads)
    if (v.id == f.thread && v.state == ThreadView::State::Running && where.line) v.where = where;
  failure_ = std::move(f);
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
    } else if (t.blocker.ready && !runnable(t, earliest)) {
      v.state = ThreadView::State::Blocked;
      if (t.blocker.holders) t.blocker.holders(t.blocker.state, t.id, v.waits_for);
      if (t.blocker.describe) t.blocker.describe(t.blocker.state, t.id, v.detail);
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
