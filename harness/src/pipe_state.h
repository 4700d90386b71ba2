#pragma once
// The per-execution state of a weft::pipe or weft::byte_pipe, shared by
// pipe.cpp (messages) and byte_pipe.cpp (bytes).

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "message_state.h"
#include "weft/pipe.h"

namespace weft::detail {

struct PipeState;

// EndState is one end: whether its users closed it, and which processes
// use it (it counts as closed for the other side once all of them died).
struct EndState {
  PipeState* pipe = nullptr;
  std::uint8_t index = 0;  // 0: A, 1: B
  bool closed = false;
  std::uint64_t close_number = 0;
  std::vector<sched::ProcessId> users;
};

struct PipeState {
  PipeState(Execution& execution, bool is_bytes) : x(&execution), bytes(is_bytes) {
    for (std::uint8_t i = 0; i < 2; ++i) {
      ends[i].pipe = this;
      ends[i].index = i;
    }
  }

  ObjectRef ref;
  Execution* x;
  bool bytes;
  EndState ends[2];
  std::deque<Message> inbox[2];   // inbox[i]: sent to end i, not yet received there
  std::uint64_t messages = 0;     // message and close numbers handed out
  bool broken = false;            // an injected break closed both ends
  std::uint64_t break_number = 0;
  std::uint64_t ops = 0;          // operations so far, for the planned break
  std::uint64_t break_at = 0;     // 0: no break planned

  // gone: end `e` will send nothing more (closed, broken, or every process
  // that used it died).
  bool gone(const EndState& e) const noexcept {
    if (e.closed || broken) return true;
    return !e.users.empty() && std::all_of(e.users.begin(), e.users.end(), [this](sched::ProcessId p) {
             return x->death_of(p) != sched::Death::None;
           });
  }
  // close_number_of is the number an observer of `e`'s close acquires.
  std::uint64_t close_number_of(const EndState& e) const noexcept {
    return e.closed ? e.close_number : broken ? break_number : 0;
  }
  EndState& peer(const EndState& e) noexcept { return ends[1 - e.index]; }
};

// PipeOp is a resolved operation on one end, or nothing (`pipe` null) when
// the operation must not happen (misuse reported, or the execution ends).
struct PipeOp {
  Execution* x = nullptr;
  PipeState* pipe = nullptr;
  EndState* end = nullptr;
};

// end_flag is the event flag that says which end an operation used.
inline std::uint8_t end_flag(const EndState& e) noexcept { return e.index ? sched::kEndB : 0; }

// resolve finds the state of `ref` for operation `verb` ("sends on"),
// reporting Misuse for an end of no pipe, of another execution, or one its
// users closed.
PipeOp resolve(const PipeRef& ref, const char* verb, source_location where);

// begin says whether an operation that passed its scheduling point takes
// effect: not when the caller's process is dying. It counts the caller's
// process as a user of the end and injects a planned break.
bool begin(PipeOp& op, source_location where);

// receive_blocker is what a receiver at `end` waits for.
sched::Blocker receive_blocker(const EndState& end) noexcept;

// record_pipe records an operation on `end` with its end flag.
sched::Event& record_pipe(PipeOp& op, OpKind kind, std::uint64_t number, std::uint8_t flags,
                          source_location where);

// await_receive is the scheduling point of a receive at `op.end`: blocking
// until something can be received (or the deadline) in WaitMode::Block;
// Aborted when the receive must not take effect.
StepResult await_receive(PipeOp& op, WaitMode mode, std::int64_t deadline, source_location where);

// nothing_received ends a receive at `op.end` that found no message: closed
// (its own end closed by another thread, or the other end gone), timeout or
// empty, recorded as such.
channel_status nothing_received(PipeOp& op, StepResult r, source_location where);

}  // namespace weft::detail
