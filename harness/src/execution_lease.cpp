#include "execution_lease.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace weft::detail {

struct ExecutionLease::Cached {
  explicit Cached(std::size_t size) : stack_size(size), stacks(size), execution(stacks) {}
  std::size_t stack_size;
  sched::StackPool stacks;
  sched::Execution execution;  // after stacks: it gives its stacks back to them when destroyed
};

namespace {
// kCached bounds the idle Executions kept: explorations running at once on
// several OS threads each need their own.
constexpr std::size_t kCached = 4;

struct Cache {
  std::mutex guard;
  std::vector<std::unique_ptr<ExecutionLease::Cached>> idle;
};

// The cache lives as long as the process: leases may end during static
// destruction.
Cache& cache() {
  static Cache* c = new Cache;
  return *c;
}
}  // namespace

ExecutionLease::ExecutionLease(std::size_t stack_size) {
  {
    const sched::Execution::Uncontrolled weft_itself;
    Cache& c = cache();
    const std::lock_guard<std::mutex> hold(c.guard);
    const auto it = std::find_if(c.idle.begin(), c.idle.end(),
                                 [&](const auto& cached) { return cached->stack_size == stack_size; });
    if (it != c.idle.end()) {
      held_ = std::move(*it);
      c.idle.erase(it);
    }
  }
  if (!held_) held_ = std::make_unique<Cached>(stack_size);
}

ExecutionLease::~ExecutionLease() {
  held_->execution.forget_settings();
  const sched::Execution::Uncontrolled weft_itself;
  Cache& c = cache();
  const std::lock_guard<std::mutex> hold(c.guard);
  if (c.idle.size() < kCached) c.idle.push_back(std::move(held_));
}

sched::Execution& ExecutionLease::execution() noexcept { return held_->execution; }

}  // namespace weft::detail
