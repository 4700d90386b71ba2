// What pipes, queues, futures and processes share, and channel_status's names.

#include "message_state.h"

#include <ostream>
#include <stdexcept>

namespace weft {

std::string_view to_string(channel_status status) noexcept {
  switch (status) {
    case channel_status::ok: return "ok";
    case channel_status::empty: return "empty";
    case channel_status::full: return "full";
    case channel_status::closed: return "closed";
    case channel_status::timeout: return "timeout";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, channel_status status) { return out << to_string(status); }

namespace detail {

Execution& require_execution(const char* what) {
  Execution* x = Execution::active();
  if (!x) throw std::logic_error(std::string(what) + " can only be used inside weft::explore or weft::replay");
  return *x;
}

std::string who(Execution& x) {
  std::string out = thread_name(x.current());
  if (x.process_count() > 1) out += " (process " + x.process_name(x.process_of(x.current())) + ")";
  return out;
}

sched::Event& record_message(Execution& x, OpKind op, ObjectRef ref, std::uint64_t number, std::uint8_t flags,
                             source_location where) {
  if (checkers::Checks* c = checks(x)) {
    // A send or a close releases into its message's clock; the receive of
    // that message, or an operation that observed that close, acquires it.
    if ((op == OpKind::Send && !(flags & sched::kFailed)) || op == OpKind::Close)
      c->message_release(x.current(), ref, number);
    if ((op == OpKind::Recv && !(flags & sched::kFailed)) || (flags & sched::kClosed))
      c->message_acquire(x.current(), ref, number);
  }
  return x.record(op, ref, at(where), flags, sched::kNoThread, std::memory_order_seq_cst, number);
}

std::uint64_t plan_fault(Execution& x, bool enabled, std::uint32_t scales) {
  if (!enabled || x.faults_left() == 0 || x.choose(2) == 0) return 0;
  const std::uint32_t below = 1u << x.choose(scales);
  return below + x.choose(below);  // in [below, 2 * below)
}

bool take_fault(Execution& x) noexcept {
  if (x.faults_left() == 0) return false;
  --x.faults_left();
  return true;
}

bool inject_fault(Execution& x, bool enabled) {
  if (!enabled || x.faults_left() == 0 || x.choose(2) == 0) return false;
  return take_fault(x);
}

}  // namespace detail
}  // namespace weft
