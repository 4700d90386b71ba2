#pragma once
// weft::FailureKind and weft::Failure: what an exploration found.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace weft {

// FailureKind says what kind of bug a failing execution exhibited.
enum class FailureKind : std::uint8_t {
  AssertionFailed,     // WEFT_ASSERT or a GoogleTest assertion in the body failed
  UncaughtException,   // an exception escaped a weft thread or the body
  Crash,               // a fatal signal (SIGSEGV, SIGABRT, ...) or a stack overflow
  Deadlock,            // no thread can run and not all have finished
  Hang,                // the execution exceeded Options::max_steps
  Misuse,              // a primitive was used against its contract
  ReplayError,         // a replay token is malformed or does not fit the body; a regression file
                       // is malformed, or (strict) holds failures that no longer happen
  DataRace,            // two unordered accesses to a weft::var, one a write
  LockOrderInversion,  // locks taken in orders that form a cycle across executions
  UseAfterFree,        // memory was read or written after it was freed (instrumented code, program tests)
  DoubleFree,          // a block was freed twice (instrumented code, program tests)
};

// to_string(FailureKind) gives the kind's stable name, e.g. "AssertionFailed".
std::string_view to_string(FailureKind kind) noexcept;

// TraceStep is one visible operation of the failing execution, in order.
struct TraceStep {
  std::uint64_t step = 0;   // index of the scheduling decision that ran it
  std::uint32_t thread = 0; // weft thread number (0 is the test body)
  std::string operation;    // e.g. "mutex.lock", "atomic.load", "var.write"
  std::string object;       // e.g. "mutex#1"; empty when the op has no object
  std::string detail;       // values and outcomes, e.g. "= 1" or "timed out"
  std::string file;         // source file (base name) of the call
  unsigned line = 0;        // source line of the call

  friend bool operator==(const TraceStep&, const TraceStep&) = default;
};

// ThreadSnapshot is the state of one weft thread when the failure happened.
struct ThreadSnapshot {
  std::uint32_t thread = 0;
  std::string state;        // "running", "runnable", "blocked", "finished"
  std::string waiting_for;  // what a blocked thread waits for, e.g. "lock mutex#2"
  std::string process;      // its process's name, when the execution had more than one
  std::string file;         // where it is (its pending or last operation)
  unsigned line = 0;

  friend bool operator==(const ThreadSnapshot&, const ThreadSnapshot&) = default;
};

// Failure is the first failure of an exploration: its kind, a message that
// says what went wrong, the replay token, each thread's state and the trace.
// Two failures reached by the same schedule compare equal, in any process.
struct Failure {
  FailureKind kind = FailureKind::AssertionFailed;
  std::string message;
  std::string token;                     // replays this failure; see weft::replay. Empty for a
                                         // LockOrderInversion, which no single schedule shows
  std::uint64_t execution = 0;           // number of the failing execution, from 1 (Report::executions);
                                         // for a LockOrderInversion, the one that completed the cycle;
                                         // 0 when no execution ran (a token that cannot be read, a
                                         // setting that would test nothing)
  std::uint64_t step = 0;                // scheduling decision at which it failed
  std::vector<ThreadSnapshot> threads;
  std::vector<TraceStep> trace;          // the last steps of the failing execution: as many as
                                         // Options::trace_steps says (all of them when it is 0)
  std::uint64_t operations = 0;          // how many steps the failing execution had in all
  std::size_t trace_tail = 50;           // how many trailing steps to_string shows (0: all kept)

  // trace_text renders the last `last` steps (0: all) as aligned lines.
  std::string trace_text(std::size_t last = 0) const;
  // to_string renders the whole report: kind, message, threads, trace tail, token.
  std::string to_string() const;

  friend bool operator==(const Failure&, const Failure&) = default;
};

std::ostream& operator<<(std::ostream& out, const Failure& failure);

}  // namespace weft
