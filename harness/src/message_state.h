#pragma once
// What the engine side of pipes, queues, futures and processes shares: a
// queued message, the events they record, who is asking, and how faults are
// chosen. Internal to the harness.

#include <cstdint>
#include <memory>
#include <string>

#include "engine_access.h"
#include "weft/channel.h"

namespace weft::detail {

// Message is one message in flight: its number (Event::value of its send
// and receive) and its value, boxed, or a byte stream's bytes.
struct Message {
  std::uint64_t number = 0;
  std::unique_ptr<MessageBox> box;
  std::string bytes;
};

// kCrashScales and kBreakScales: an injected crash falls on one of a
// process's first 2^kCrashScales scheduling points, a pipe break on one of a
// pipe's first 2^kBreakScales operations, log-uniformly (first a power of
// two, then a point below the next one), so that short and long lives are
// both hit often.
inline constexpr std::uint32_t kCrashScales = 11;
inline constexpr std::uint32_t kBreakScales = 7;

// require_execution is the running execution, or std::logic_error naming
// `what` outside weft.
Execution& require_execution(const char* what);

// caller_dying: the calling thread's process is ending (killed, crashed or
// exited); what it does to pipes and queues no longer happens.
inline bool caller_dying(Execution& x) noexcept {
  return x.death_of(x.process_of(x.current())) != sched::Death::None;
}

// who names the calling thread for a message: "T2", or "T2 (process
// worker)" when the execution has more than one process.
std::string who(Execution& x);

// record_message appends a message-passing event: `number` is the message
// (or close) number, 0 for none.
sched::Event& record_message(Execution& x, OpKind op, ObjectRef ref, std::uint64_t number, std::uint8_t flags,
                             source_location where);

// plan_fault chooses, when `enabled` and faults are left, whether a fault
// will happen (one in two) and if so at which chance (1-based, below
// 2^scales, log-uniformly); 0 for none.
std::uint64_t plan_fault(Execution& x, bool enabled, std::uint32_t scales);

// take_fault spends one of the execution's faults; false when none is left.
bool take_fault(Execution& x) noexcept;

// inject_fault chooses, when `enabled` and a fault is left, whether a fault
// happens here (one in two), and spends it if so.
bool inject_fault(Execution& x, bool enabled);

// Waiting counts the threads blocked on a channel for its scope, so that
// destroying a channel with waiters can be reported.
class Waiting {
 public:
  explicit Waiting(std::uint32_t& count) noexcept : count_(count) { ++count_; }
  Waiting(const Waiting&) = delete;
  Waiting& operator=(const Waiting&) = delete;
  ~Waiting() { --count_; }

 private:
  std::uint32_t& count_;
};

}  // namespace weft::detail
