// weft::future: a one-message channel from the worker that owes a value to
// whoever gets it.

#include "weft/future.h"

#include "message_state.h"

namespace weft::detail {

namespace {
// kValueNumber numbers a future's one message.
constexpr std::uint64_t kValueNumber = 1;

struct FutureState {
  explicit FutureState(Execution& execution) noexcept : x(&execution) {}
  ObjectRef ref;
  Execution* x;
  std::unique_ptr<MessageBox> outcome;
  bool set = false;
  bool taken = false;
  bool claimed = false;
  sched::ProcessId producer = 0;  // while claimed: the process that owes the value

  bool broken() const noexcept { return !set && claimed && x->death_of(producer) != sched::Death::None; }
};

bool settled(const void* state, ThreadId) noexcept {
  const auto& f = *static_cast<const FutureState*>(state);
  return f.set || f.broken();
}

FutureState* resolve(Execution& x, const FutureRef& f, source_location where) {
  if (!f.state || f.generation != x.generation()) {
    misuse(x, who(x) + " uses a weft::future without a state (default-constructed, moved from, from an earlier "
                       "execution, or its value was already taken by get())",
           where);
    return nullptr;
  }
  return static_cast<FutureState*>(f.state);
}
}  // namespace

FutureRef future_create(source_location) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("weft::future");
  FutureState* f = x.arena().make<FutureState>(x);
  f->ref = x.name_object(ObjectKind::Future);
  return {x.generation(), f};
}

void future_claim(const FutureRef& f) noexcept {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x || !f.state || f.generation != x->generation()) return;
  auto& s = *static_cast<FutureState*>(f.state);
  s.claimed = true;
  s.producer = x->process_of(x->current());
}

void future_set(const FutureRef& f, std::unique_ptr<MessageBox> outcome, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("weft::future");
  FutureState* s = resolve(x, f, where);
  if (!s || x.step(OpKind::Send, s->ref, at(where)) == StepResult::Aborted || caller_dying(x) || s->set) return;
  s->set = true;
  s->outcome = std::move(outcome);
  record_message(x, OpKind::Send, s->ref, kValueNumber, 0, where);
}

channel_status future_get(const FutureRef& f, std::unique_ptr<MessageBox>& out, bool take, std::int64_t deadline,
                          source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("weft::future");
  FutureState* s = resolve(x, f, where);
  if (!s) return channel_status::closed;
  sched::Blocker b;
  b.ready = &settled;
  b.state = s;
  const StepResult r = x.step(OpKind::Recv, s->ref, at(where), &b, deadline);
  if (r == StepResult::Aborted) return channel_status::closed;
  if (s->set) {
    if (take) {
      if (s->taken) {
        misuse(x, who(x) + " gets " + sched::object_name(s->ref) + " twice", where);
        return channel_status::closed;
      }
      s->taken = true;
      out = std::move(s->outcome);
    }
    record_message(x, OpKind::Recv, s->ref, kValueNumber, 0, where);
    return channel_status::ok;
  }
  if (s->broken()) {
    record_message(x, OpKind::Recv, s->ref, 0, sched::kClosed, where);
    return channel_status::closed;
  }
  record_message(x, OpKind::Recv, s->ref, 0, sched::kFailed | sched::kTimedOut, where);
  return channel_status::timeout;
}

void throw_broken_promise() { throw std::future_error(std::future_errc::broken_promise); }

}  // namespace weft::detail
