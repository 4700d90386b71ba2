// weft::pipe: the ends, their states, and message sends and receives.

#include <utility>

#include "pipe_state.h"

namespace weft::detail {

namespace {
bool receivable(const void* state, ThreadId) noexcept {
  const auto& e = *static_cast<const EndState*>(state);
  return !e.pipe->inbox[e.index].empty() || e.closed || e.pipe->gone(e.pipe->ends[1 - e.index]);
}

void end_words(const void* state, ThreadId, std::string& out) {
  out += static_cast<const EndState*>(state)->index ? "end B" : "end A";
}
}  // namespace

sched::Blocker receive_blocker(const EndState& end) noexcept {
  sched::Blocker b;
  b.ready = &receivable;
  b.describe = &end_words;
  b.state = &end;
  return b;
}

PipeRef pipe_create(bool bytes, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution(bytes ? "weft::byte_pipe" : "weft::pipe");
  PipeState* p = x.arena().make<PipeState>(x, bytes);
  p->ref = x.name_object(ObjectKind::Pipe);
  p->break_at = plan_fault(x, x.config().pipe_breaks, kBreakScales);
  (void)where;
  return PipeRef{x.generation(), p, 0};
}

PipeOp resolve(const PipeRef& ref, const char* verb, source_location where) {
  Execution& x = require_execution("a weft::pipe end");
  if (!ref.state) {
    misuse(x, who(x) + " " + verb + " a pipe end that belongs to no pipe (default-constructed)", where);
    return {};
  }
  if (ref.generation != x.generation()) {
    misuse(x, who(x) + " " + verb + " a pipe end made in an earlier execution: make pipes inside the test body",
           where);
    return {};
  }
  auto* p = static_cast<PipeState*>(ref.state);
  EndState& e = p->ends[ref.end];
  if (e.closed) {
    misuse(x, who(x) + " " + verb + " " + sched::object_name(p->ref) + (e.index ? " end B" : " end A") +
                  " after it was closed",
           where);
    return {};
  }
  return {&x, p, &e};
}

void pipe_adopt(const PipeRef& ref, std::uint32_t process) noexcept {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x || !ref.state || ref.generation != x->generation()) return;
  std::vector<sched::ProcessId>& users = static_cast<PipeState*>(ref.state)->ends[ref.end].users;
  try {
    if (std::find(users.begin(), users.end(), process) == users.end()) users.push_back(process);
  } catch (...) {
    // Out of memory: the end is then the process's only once it uses it.
  }
}

sched::Event& record_pipe(PipeOp& op, OpKind kind, std::uint64_t number, std::uint8_t flags,
                          source_location where) {
  return record_message(*op.x, kind, op.pipe->ref, number, static_cast<std::uint8_t>(flags | end_flag(*op.end)),
                        where);
}

bool begin(PipeOp& op, source_location where) {
  Execution& x = *op.x;
  if (caller_dying(x)) return false;
  const sched::ProcessId me = x.process_of(x.current());
  std::vector<sched::ProcessId>& users = op.end->users;
  if (std::find(users.begin(), users.end(), me) == users.end()) users.push_back(me);
  PipeState& p = *op.pipe;
  if (p.break_at && ++p.ops == p.break_at && !p.broken && take_fault(x)) {
    // A broken connection: both directions end here, for both ends.
    p.broken = true;
    p.break_number = ++p.messages;
    record_pipe(op, OpKind::Close, p.break_number, sched::kFault, where);
  }
  return true;
}

channel_status pipe_send(const PipeRef& ref, std::unique_ptr<MessageBox> message, source_location where) {
  const sched::tsan::Unseen unseen;
  PipeOp op = resolve(ref, "sends on", where);
  if (!op.pipe || op.x->step(OpKind::Send, op.pipe->ref, at(where)) == StepResult::Aborted) return channel_status::closed;
  if (op.end->closed) return channel_status::closed;  // another thread of its process closed it meanwhile
  if (!begin(op, where)) return channel_status::closed;
  PipeState& p = *op.pipe;
  EndState& peer = p.peer(*op.end);
  if (p.gone(peer)) {
    record_pipe(op, OpKind::Send, p.close_number_of(peer), sched::kFailed | sched::kClosed, where);
    return channel_status::closed;
  }
  const std::uint64_t number = ++p.messages;
  p.inbox[peer.index].push_back(Message{number, std::move(message), {}});
  record_pipe(op, OpKind::Send, number, 0, where);
  return channel_status::ok;
}

channel_status pipe_recv(const PipeRef& ref, std::unique_ptr<MessageBox>& out, WaitMode mode, std::int64_t deadline,
                         source_location where) {
  const sched::tsan::Unseen unseen;
  PipeOp op = resolve(ref, "receives on", where);
  if (!op.pipe) return channel_status::closed;
  const StepResult r = await_receive(op, mode, deadline, where);
  if (r == StepResult::Aborted) return channel_status::closed;
  std::deque<Message>& inbox = op.pipe->inbox[op.end->index];
  if (op.end->closed) return nothing_received(op, r, where);
  if (!inbox.empty()) {
    Message m = std::move(inbox.front());
    inbox.pop_front();
    out = std::move(m.box);
    record_pipe(op, OpKind::Recv, m.number, 0, where);
    return channel_status::ok;
  }
  return nothing_received(op, r, where);
}

StepResult await_receive(PipeOp& op, WaitMode mode, std::int64_t deadline, source_location where) {
  const sched::Blocker b = receive_blocker(*op.end);
  const StepResult r =
      op.x->step(OpKind::Recv, op.pipe->ref, at(where), mode == WaitMode::Block ? &b : nullptr, deadline);
  return r == StepResult::Aborted || !begin(op, where) ? StepResult::Aborted : r;
}

channel_status nothing_received(PipeOp& op, StepResult r, source_location where) {
  PipeState& p = *op.pipe;
  if (op.end->closed) {
    record_pipe(op, OpKind::Recv, op.end->close_number, sched::kClosed, where);
    return channel_status::closed;
  }
  if (EndState& peer = p.peer(*op.end); p.gone(peer)) {
    record_pipe(op, OpKind::Recv, p.close_number_of(peer), sched::kClosed, where);
    return channel_status::closed;
  }
  const bool timed_out = r == StepResult::TimedOut;
  record_pipe(op, OpKind::Recv, 0, static_cast<std::uint8_t>(sched::kFailed | (timed_out ? sched::kTimedOut : 0)),
              where);
  return timed_out ? channel_status::timeout : channel_status::empty;
}

bool pipe_poll(const PipeRef& ref, source_location where) {
  const sched::tsan::Unseen unseen;
  PipeOp op = resolve(ref, "polls", where);
  if (!op.pipe || op.x->step(OpKind::Poll, op.pipe->ref, at(where)) == StepResult::Aborted) return false;
  if (!begin(op, where)) return false;
  const bool ready = receivable(op.end, op.x->current());
  sched::Event& e = record_pipe(op, OpKind::Poll, 0, 0, where);
  e.value = ready;
  e.value_kind = sched::ValueKind::Bool;
  return ready;
}

void pipe_close(const PipeRef& ref, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("a weft::pipe end");
  if (ref.state && ref.generation == x.generation() && static_cast<PipeState*>(ref.state)->ends[ref.end].closed)
    return;  // closing twice does nothing
  PipeOp op = resolve(ref, "closes", where);
  if (!op.pipe || x.step(OpKind::Close, op.pipe->ref, at(where)) == StepResult::Aborted) return;
  if (op.end->closed || !begin(op, where)) return;
  PipeState& p = *op.pipe;
  op.end->closed = true;
  op.end->close_number = ++p.messages;
  p.inbox[op.end->index].clear();  // nobody will receive them
  record_pipe(op, OpKind::Close, op.end->close_number, 0, where);
}

}  // namespace weft::detail
