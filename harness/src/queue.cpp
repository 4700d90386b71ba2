// weft::queue: a bounded or unbounded multi-producer multi-consumer queue.

#include "weft/queue.h"

#include <deque>

#include "message_state.h"

namespace weft::detail {

namespace {
struct QueueState {
  explicit QueueState(std::size_t cap) noexcept : capacity(cap) {}
  ObjectRef ref;
  std::size_t capacity;  // 0: unbounded
  std::deque<Message> items;
  bool closed = false;
  std::uint64_t close_number = 0;
  std::uint64_t messages = 0;  // message and close numbers handed out
  std::uint32_t waiting = 0;   // threads blocked in put or get

  bool full() const noexcept { return capacity != 0 && items.size() >= capacity; }
};

bool puttable(const void* state, ThreadId) noexcept {
  const auto& q = *static_cast<const QueueState*>(state);
  return q.closed || !q.full();
}

bool gettable(const void* state, ThreadId) noexcept {
  const auto& q = *static_cast<const QueueState*>(state);
  return q.closed || !q.items.empty();
}

void why_full(const void* state, ThreadId, std::string& out) {
  out += "(full, capacity " + std::to_string(static_cast<const QueueState*>(state)->capacity) + ")";
}

void why_empty(const void*, ThreadId, std::string& out) { out += "(empty)"; }

sched::Blocker blocker(const QueueState& q, bool (*ready)(const void*, ThreadId)) noexcept {
  sched::Blocker b;
  b.ready = ready;
  b.describe = ready == &puttable ? &why_full : &why_empty;
  b.state = &q;
  return b;
}

// failed_flags is what a put or get that found no room or nothing records.
std::uint8_t failed_flags(StepResult r) noexcept {
  return static_cast<std::uint8_t>(sched::kFailed | (r == StepResult::TimedOut ? sched::kTimedOut : 0));
}

channel_status unsuccessful(StepResult r) noexcept {
  return r == StepResult::TimedOut ? channel_status::timeout : channel_status::empty;
}
}  // namespace

struct QueueAccess {
  static QueueState& state(Execution& x, QueueBase& q) {
    return state_of<QueueState>(x, q.slot_, ObjectKind::Queue, q.capacity_);
  }
};

QueueBase::~QueueBase() {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  if (auto* q = bound_state<QueueState>(*x, slot_); q && q->waiting > 0)
    misuse(*x, sched::object_name(q->ref) + " was destroyed while " + std::to_string(q->waiting) +
                   " thread(s) waited on it", {}, true);
}

channel_status QueueBase::put(std::unique_ptr<MessageBox>& message, WaitMode mode, std::int64_t deadline,
                              source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("weft::queue::put");
  QueueState& q = QueueAccess::state(x, *this);
  // An injected failure: a put that finds the queue full fails at once.
  const bool fault = mode == WaitMode::Block && !q.closed && q.full() && inject_fault(x, x.config().queue_put_failures);
  const sched::Blocker b = blocker(q, &puttable);
  StepResult r;
  {
    const Waiting waiting(q.waiting);
    r = x.step(OpKind::Send, q.ref, at(where), mode == WaitMode::Block && !fault ? &b : nullptr, deadline);
  }
  if (r == StepResult::Aborted || caller_dying(x)) return channel_status::closed;
  if (q.closed) {
    record_message(x, OpKind::Send, q.ref, q.close_number, sched::kFailed | sched::kClosed, where);
    return channel_status::closed;
  }
  if (fault) {
    record_message(x, OpKind::Send, q.ref, 0, sched::kFailed | sched::kFault, where);
    return channel_status::full;
  }
  if (q.full()) {
    record_message(x, OpKind::Send, q.ref, 0, failed_flags(r), where);
    return r == StepResult::TimedOut ? channel_status::timeout : channel_status::full;
  }
  const std::uint64_t number = ++q.messages;
  q.items.push_back(Message{number, std::move(message), {}});
  record_message(x, OpKind::Send, q.ref, number, 0, where);
  return channel_status::ok;
}

channel_status QueueBase::get(std::unique_ptr<MessageBox>& out, WaitMode mode, std::int64_t deadline,
                              source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("weft::queue::get");
  QueueState& q = QueueAccess::state(x, *this);
  const sched::Blocker b = blocker(q, &gettable);
  StepResult r;
  {
    const Waiting waiting(q.waiting);
    r = x.step(OpKind::Recv, q.ref, at(where), mode == WaitMode::Block ? &b : nullptr, deadline);
  }
  if (r == StepResult::Aborted || caller_dying(x)) return channel_status::closed;
  if (!q.items.empty()) {
    Message m = std::move(q.items.front());
    q.items.pop_front();
    out = std::move(m.box);
    record_message(x, OpKind::Recv, q.ref, m.number, 0, where);
    return channel_status::ok;
  }
  if (q.closed) {
    record_message(x, OpKind::Recv, q.ref, q.close_number, sched::kClosed, where);
    return channel_status::closed;
  }
  record_message(x, OpKind::Recv, q.ref, 0, failed_flags(r), where);
  return unsuccessful(r);
}

void QueueBase::close(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("weft::queue::close");
  QueueState& q = QueueAccess::state(x, *this);
  if (x.step(OpKind::Close, q.ref, at(where)) == StepResult::Aborted || caller_dying(x) || q.closed) return;
  q.closed = true;
  q.close_number = ++q.messages;
  record_message(x, OpKind::Close, q.ref, q.close_number, 0, where);
}

std::size_t QueueBase::size(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("weft::queue::size");
  QueueState& q = QueueAccess::state(x, *this);
  if (x.step(OpKind::Poll, q.ref, at(where)) == StepResult::Aborted) return q.items.size();
  sched::Event& e = record_message(x, OpKind::Poll, q.ref, 0, 0, where);
  e.value = q.items.size();
  e.value_kind = sched::ValueKind::Unsigned;
  return q.items.size();
}

}  // namespace weft::detail
