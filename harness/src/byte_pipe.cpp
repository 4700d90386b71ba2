// weft::byte_pipe: a pipe of bytes whose writes and reads may be short, as
// explored choices.

#include <algorithm>
#include <limits>

#include "pipe_state.h"

namespace weft {

namespace detail {

namespace {
// split chooses how many of `n` bytes (n >= 1) an operation moves: all of
// them, or (one time in two) a shorter length chosen uniformly.
std::size_t split(Execution& x, std::size_t n) {
  if (n <= 1 || x.choose_rare(2) == 0) return n;
  const auto shorter = static_cast<std::uint32_t>(std::min<std::size_t>(n - 1, std::numeric_limits<std::uint32_t>::max()));
  return 1 + x.choose(shorter);
}
}  // namespace

std::size_t stream_write(const PipeRef& ref, std::string_view data, source_location where) {
  const sched::tsan::Unseen unseen;
  PipeOp op = resolve(ref, "writes to", where);
  if (!op.pipe || op.x->step(OpKind::Send, op.pipe->ref, at(where)) == StepResult::Aborted) return 0;
  if (op.end->closed || !begin(op, where)) return 0;
  PipeState& p = *op.pipe;
  EndState& peer = p.peer(*op.end);
  if (p.gone(peer)) {
    record_pipe(op, OpKind::Send, p.close_number_of(peer), sched::kFailed | sched::kClosed, where);
    return 0;
  }
  if (data.empty()) return 0;
  const std::size_t n = split(*op.x, data.size());
  const std::uint64_t number = ++p.messages;
  p.inbox[peer.index].push_back(Message{number, nullptr, std::string(data.substr(0, n))});
  record_pipe(op, OpKind::Send, number, 0, where);
  return n;
}

channel_status stream_read(const PipeRef& ref, std::size_t max, std::string& out, WaitMode mode,
                           std::int64_t deadline, source_location where) {
  const sched::tsan::Unseen unseen;
  PipeOp op = resolve(ref, "reads from", where);
  if (!op.pipe) return channel_status::closed;
  if (max == 0) {
    misuse(*op.x, who(*op.x) + " reads at most 0 bytes from " + sched::object_name(op.pipe->ref) +
                      ": a read returns at least one byte",
           where);
    return channel_status::closed;
  }
  const StepResult r = await_receive(op, mode, deadline, where);
  if (r == StepResult::Aborted) return channel_status::closed;
  std::deque<Message>& inbox = op.pipe->inbox[op.end->index];
  if (op.end->closed) return nothing_received(op, r, where);
  if (!inbox.empty()) {
    std::size_t available = 0;
    for (const Message& m : inbox) available += m.bytes.size();
    std::size_t left = split(*op.x, std::min(max, available));
    // One event per write the bytes came from: each write happens before
    // the read that returns (some of) its bytes.
    while (left > 0) {
      Message& m = inbox.front();
      const std::size_t take = std::min(left, m.bytes.size());
      out.append(m.bytes, 0, take);
      m.bytes.erase(0, take);
      left -= take;
      record_pipe(op, OpKind::Recv, m.number, 0, where);
      if (m.bytes.empty()) inbox.pop_front();
    }
    return channel_status::ok;
  }
  return nothing_received(op, r, where);
}

}  // namespace detail

std::pair<stream_end, stream_end> byte_pipe(source_location where) {
  const sched::tsan::Unseen unseen;
  detail::PipeRef a = detail::pipe_create(true, where);
  detail::PipeRef b = a;
  b.end = 1;
  return {stream_end(a), stream_end(b)};
}

channel_status stream_end::write_all(std::string_view data, source_location where) {
  const sched::tsan::Unseen unseen;
  while (!data.empty()) {
    const std::size_t n = write(data, where);
    if (n == 0) return channel_status::closed;
    data.remove_prefix(n);
  }
  return channel_status::ok;
}

recv_result<std::string> stream_end::receive(std::size_t max, detail::WaitMode mode, std::int64_t deadline,
                                             source_location where) {
  const sched::tsan::Unseen unseen;
  std::string bytes;
  const channel_status status = detail::stream_read(ref_, max, bytes, mode, deadline, where);
  if (status != channel_status::ok) return status;
  return recv_result<std::string>(std::move(bytes));
}

}  // namespace weft
