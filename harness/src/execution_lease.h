#pragma once
// ExecutionLease: an Execution and its stack pool for one explore or replay,
// taken from a small process-wide cache and given back after. Making them
// costs far more than an execution (each stack is mapped with a guard page,
// each fiber made on it, and unmade at the end): a replay, or a test file of
// many short explorations, would pay that on every call.

#include <cstddef>
#include <memory>

#include "scheduler/execution.h"
#include "scheduler/stack_pool.h"

namespace weft::detail {

class ExecutionLease {
 public:
  // ExecutionLease takes a cached Execution whose stacks have `stack_size`
  // usable bytes, or makes one.
  explicit ExecutionLease(std::size_t stack_size);
  ExecutionLease(const ExecutionLease&) = delete;
  ExecutionLease& operator=(const ExecutionLease&) = delete;
  // ~ExecutionLease gives it back, its settings forgotten.
  ~ExecutionLease();

  sched::Execution& execution() noexcept;

  // Cached is one Execution with the stack pool it runs on.
  struct Cached;

 private:
  std::unique_ptr<Cached> held_;
};

}  // namespace weft::detail
