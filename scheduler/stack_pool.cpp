#include "scheduler/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

// valgrind's client requests: a few instructions that do nothing unless
// the program runs under valgrind (Debian: package valgrind). Without the
// header weft builds, and memcheck reports every fiber's stack as
// uninitialised.
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define WEFT_STACK_REGISTER(low, high) VALGRIND_STACK_REGISTER(low, high)
#define WEFT_STACK_DEREGISTER(id) VALGRIND_STACK_DEREGISTER(id)
#else
#define WEFT_STACK_REGISTER(low, high) 0u
#define WEFT_STACK_DEREGISTER(id) (void)(id)
#endif

namespace weft::sched {

namespace {
std::size_t page_size() noexcept { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }
std::size_t round_up(std::size_t n, std::size_t to) noexcept { return (n + to - 1) / to * to; }
}  // namespace

StackPool::StackPool(std::size_t usable_bytes)
    : usable_(round_up(usable_bytes < 16384 ? 16384 : usable_bytes, page_size())),
      guard_(page_size()) {}

StackPool::~StackPool() {
  for (const Stack& s : all_) {
    WEFT_STACK_DEREGISTER(s.valgrind_id);
    ::munmap(s.base, s.total);
  }
}

Stack StackPool::acquire() {
  if (!free_.empty()) {
    Stack s = free_.back();
    free_.pop_back();
    return s;
  }
  const std::size_t total = usable_ + guard_;
  void* p = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  if (::mprotect(p, guard_, PROT_NONE) != 0) {
    ::munmap(p, total);
    throw std::bad_alloc();
  }
  Stack s{static_cast<char*>(p), total, guard_, 0};
  // The usable part only: a fault on the guard page is no stack access.
  s.valgrind_id = WEFT_STACK_REGISTER(s.base + guard_, s.base + total);
  all_.push_back(s);
  return s;
}

void StackPool::release(Stack stack) noexcept { free_.push_back(stack); }

}  // namespace weft::sched
