#pragma once
// StackPool: fiber stacks with a guard page below each, mapped once and
// reused across executions (mapping a guarded stack costs ~10 µs; reusing
// one costs nothing). Under valgrind each stack is registered as one, so
// memcheck tells a fiber switch from a huge stack frame (without that it
// takes the memory of the stack switched to as uninitialised).

#include <cstddef>
#include <vector>

namespace weft::sched {

// Stack is one mapped stack. [base, base + guard) is the inaccessible guard
// page; the usable stack is [base + guard, base + total) and grows down from
// its top.
struct Stack {
  char* base = nullptr;
  std::size_t total = 0;
  std::size_t guard = 0;
  unsigned valgrind_id = 0;  // the stack's number for valgrind (0 when not under valgrind)

  void* top() const noexcept { return base + total; }
  std::size_t usable() const noexcept { return total - guard; }
  bool in_guard(const void* address) const noexcept {
    auto* p = static_cast<const char*>(address);
    return p >= base && p < base + guard;
  }
};

class StackPool {
 public:
  explicit StackPool(std::size_t usable_bytes);
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;
  ~StackPool();

  // acquire returns a free stack, mapping a new one if none is free; it
  // throws std::bad_alloc when the system refuses.
  Stack acquire();
  void release(Stack stack) noexcept;

 private:
  std::size_t usable_;
  std::size_t guard_;
  std::vector<Stack> free_;
  std::vector<Stack> all_;
};

}  // namespace weft::sched
