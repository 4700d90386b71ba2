// weft::thread and weft::this_thread.

#include "weft/thread.h"

#include <exception>
#include <ostream>
#include <stdexcept>
#include <thread>

#include "call_start.h"
#include "engine_access.h"
#include "instrument_seam.h"
#include "scheduler/tsan.h"

namespace weft {

namespace detail {
// Task memory comes from the execution bound to this OS thread while one is
// (every weft::thread is started inside one), else from the heap.
// Keeping and taking blocks is weft's own work, even when instrumented code
// (a task's constructor or destructor) is on the stack: its copies and
// frees are not the program's (tsan::Unseen).
void* Task::operator new(std::size_t size) {
  if (sched::Execution* x = sched::Execution::bound()) {
    const sched::tsan::Unseen weft_itself;
    return x->take_block(size);
  }
  return ::operator new(size);
}
void Task::operator delete(void* p, std::size_t size) noexcept {
  if (sched::Execution* x = sched::Execution::bound()) {
    // The block's next task may be another thread's: to instrumented code's
    // race detector it starts afresh, as if freed.
    if (&forget_memory != nullptr) forget_memory(p, size);
    const sched::tsan::Unseen weft_itself;
    return x->keep_block(p, size);
  }
  ::operator delete(p);
}
}  // namespace detail

using detail::Execution;
using detail::OpKind;
using detail::StepResult;

std::ostream& operator<<(std::ostream& out, thread::id i) {
  if (i.n_ == UINT32_MAX) return out << "thread::id of no thread";
  return out << 'T' << i.n_;
}

thread::thread(Start, std::unique_ptr<detail::Task> task, source_location call) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x)
    throw std::logic_error("weft::thread can only be started inside weft::explore or weft::replay");
  const source_location where = detail::call_start(call);
  if (x->step(OpKind::Spawn, {}, detail::at(where)) == StepResult::Aborted) return;
  sched::ThreadBody body;
  body.run = [](void* p) { static_cast<detail::Task*>(p)->run(); };
  body.destroy = [](void* p) { delete static_cast<detail::Task*>(p); };
  body.arg = task.get();
  const sched::ThreadId spawned = x->spawn(body);
  task.release();
  if (checkers::Checks* c = detail::checks(*x)) c->spawned(x->current(), spawned, detail::at(where), false);
  detail::record_op(*x, OpKind::Spawn, {}, where, 0, spawned);
  number_ = spawned;
  generation_ = x->generation();
}

thread::thread(thread&& other) noexcept
    : number_(std::exchange(other.number_, UINT32_MAX)), generation_(std::exchange(other.generation_, 0)) {}

thread& thread::operator=(thread&& other) {
  const sched::tsan::Unseen unseen;
  if (this != &other) {
    release_unjoined("assigned over");
    number_ = std::exchange(other.number_, UINT32_MAX);
    generation_ = std::exchange(other.generation_, 0);
  }
  return *this;
}

thread::~thread() { release_unjoined("destroyed"); }

void thread::release_unjoined(const char* what) noexcept {
  const sched::tsan::Unseen unseen;
  if (number_ == UINT32_MAX) return;
  Execution* x = Execution::active();
  // While an exception propagates, it is the failure to report, not the
  // thread it left joinable.
  if (x && x->generation() == generation_ && std::uncaught_exceptions() == 0) {
    detail::misuse(*x,
                   "the weft::thread of T" + std::to_string(number_) + " was " + what +
                       " while joinable (std::thread would call std::terminate): join or detach it first",
                   source_location{}, /*later=*/true);
  }
  number_ = UINT32_MAX;
}

bool thread::joinable() const noexcept { return number_ != UINT32_MAX; }

thread::id thread::get_id() const noexcept { return joinable() ? id::from_number(number_) : id(); }

void thread::join(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) throw std::logic_error("weft::thread::join called outside weft::explore or weft::replay");
  if (!joinable() || generation_ != x->generation()) {
    detail::misuse(*x, detail::thread_name(x->current()) + " joins a weft::thread that is not joinable "
                       "(default-constructed, moved from, already joined or detached)", where, /*later=*/true);
    return;
  }
  if (number_ == x->current()) {
    detail::misuse(*x, detail::thread_name(number_) + " joins itself (std::thread would throw resource_deadlock_would_occur)",
                   where, /*later=*/true);
    return;
  }
  const sched::Blocker b = x->join_blocker(number_);
  const sched::ThreadId target = number_;
  if (x->release_step(OpKind::Join, {sched::ObjectKind::Thread, target}, detail::at(where), &b) == StepResult::Aborted) return;
  number_ = UINT32_MAX;
  if (checkers::Checks* c = detail::checks(*x)) c->joined(x->current(), target);
  detail::record_op(*x, OpKind::Join, {sched::ObjectKind::Thread, target}, where);
}

void thread::detach(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) throw std::logic_error("weft::thread::detach called outside weft::explore or weft::replay");
  if (!joinable() || generation_ != x->generation()) {
    detail::misuse(*x, detail::thread_name(x->current()) + " detaches a weft::thread that is not joinable", where,
                   /*later=*/true);
    return;
  }
  const sched::ThreadId target = number_;
  if (x->release_step(OpKind::Detach, {sched::ObjectKind::Thread, target}, detail::at(where)) == StepResult::Aborted) return;
  number_ = UINT32_MAX;
  if (checkers::Checks* c = detail::checks(*x)) c->detached(target);
  detail::record_op(*x, OpKind::Detach, {sched::ObjectKind::Thread, target}, where);
}

void thread::swap(thread& other) noexcept {
  std::swap(number_, other.number_);
  std::swap(generation_, other.generation_);
}

namespace this_thread {

thread::id get_id() noexcept {
  if (Execution* x = Execution::active()) return thread::id::from_number(x->current());
  return thread::id();
}

void yield(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) {
    std::this_thread::yield();
    return;
  }
  if (x->step(OpKind::Yield, {}, detail::at(where), nullptr, sched::kNever, /*yielding=*/true) == StepResult::Aborted)
    return;
  detail::record_op(*x, OpKind::Yield, {}, where);
}

void sleep_until_ns(std::int64_t deadline, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) {
    const auto left = deadline - chrono::steady_clock::now().time_since_epoch().count();
    if (left > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(left));
    return;
  }
  sched::Blocker b;
  b.ready = &detail::never_ready;
  if (x->step(OpKind::Sleep, {}, detail::at(where), &b, deadline) == StepResult::Aborted) return;
  detail::record_op(*x, OpKind::Sleep, {}, where);
}

}  // namespace this_thread
}  // namespace weft
