#include "scheduler/fiber.h"

#include <cerrno>
#include <memory>
#include <string>
#include <new>
#include <utility>

#include "scheduler/sanitizers.h"
#include "scheduler/tsan.h"

#if WEFT_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define WEFT_NO_ASAN __attribute__((no_sanitize_address))
#else
#define WEFT_NO_ASAN
#endif

// The Itanium C++ ABI's per-thread exception globals. The header declares
// the struct incomplete; its layout is fixed by the ABI (libstdc++ and
// libc++abi agree on these two leading fields).
namespace __cxxabiv1 {
struct __cxa_eh_globals;
extern "C" __cxa_eh_globals* __cxa_get_globals() noexcept;
}  // namespace __cxxabiv1

namespace weft::sched {

namespace {
struct EhGlobals {
  void* caught_exceptions;
  unsigned int uncaught_exceptions;
};
EhGlobals* eh_globals() noexcept {
  return reinterpret_cast<EhGlobals*>(__cxxabiv1::__cxa_get_globals());
}

// A stack the fiber owns already: Boost.Context must not free it.
struct KeepStack {
  boost::context::stack_context allocate() { return {}; }
  void deallocate(boost::context::stack_context&) noexcept {}
};

inline void start_switch(void** fake_stack, const void* bottom, std::size_t size) noexcept {
#if WEFT_ASAN
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}
inline void finish_switch(void* fake_stack, const void** bottom, std::size_t* size) noexcept {
#if WEFT_ASAN
  __sanitizer_finish_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}
}  // namespace

ThreadLocalSlots ThreadLocalSlots::of_this_thread() noexcept {
  EhGlobals* g = eh_globals();
  return {&errno, &g->caught_exceptions, &g->uncaught_exceptions};
}

void Fiber::start(StackPool& stacks, Entry entry, void* arg, unsigned slot) {
  entry_ = entry;
  arg_ = arg;
  saved_ = ThreadLocalState{};
  if (live_) return;  // parked: the trampoline runs the new entry when resumed
  stack_ = stacks.acquire();
  // After the stack exists: TSan takes its allocation as a write by the
  // creator, which the new context inherits.
  if (tsan::present()) tsan_fiber_ = tsan::create_fiber(("weft T" + std::to_string(slot)).c_str());
  fake_stack_ = nullptr;
  boost::context::stack_context sctx;
  sctx.sp = stack_.top();
  sctx.size = stack_.usable();
  self_ = boost::context::fiber(
      std::allocator_arg, boost::context::preallocated(stack_.top(), stack_.usable(), sctx), KeepStack{},
      [this](boost::context::fiber&& scheduler) { return trampoline(this, std::move(scheduler)); });
  live_ = true;
}

void Fiber::retire(StackPool& stacks, const ThreadLocalSlots& slots) {
  if (!live_) return;
  retiring_ = true;
  resume(slots);
  retiring_ = false;
  live_ = false;
  tsan::destroy_fiber(tsan_fiber_);
  tsan_fiber_ = nullptr;
  stacks.release(stack_);
}

void Fiber::abandon(StackPool& stacks) noexcept {
  if (!live_) return;
  // Destroying the continuation would unwind the fiber (Boost.Context
  // throws forced_unwind through it): move it into storage that is never
  // destroyed instead. Its control record lives on the stack, which the
  // next fiber started there overwrites.
  alignas(boost::context::fiber) unsigned char dropped[sizeof(boost::context::fiber)];
  ::new (static_cast<void*>(dropped)) boost::context::fiber(std::move(self_));
#if WEFT_ASAN
  // The dropped frames' redzones stay poisoned until a later frame covers
  // them; clear them as a return would have.
  __asan_unpoison_memory_region(stack_.base + stack_.guard, stack_.usable());
#endif
  live_ = false;
  fake_stack_ = nullptr;
  // TSan's context keeps the dropped frames on its shadow stack: the next
  // start() makes a new one (the execution's end resets TSan's memory).
  tsan::destroy_fiber(tsan_fiber_);
  tsan_fiber_ = nullptr;
  unseen_depth_ = 0;
  stacks.release(stack_);
}

void* const* Fiber::saved_context() const noexcept {
  // boost::context::fiber is its fcontext_t and nothing else.
  static_assert(sizeof(boost::context::fiber) == sizeof(void*));
  return reinterpret_cast<void* const*>(&self_);
}

WEFT_NO_ASAN void Fiber::resume(const ThreadLocalSlots& slots) {
  const ThreadLocalState scheduler_state = slots.capture();
  slots.install(saved_);
  void* scheduler_fake_stack = nullptr;
  start_switch(&scheduler_fake_stack, stack_.base + stack_.guard, stack_.usable());
  const int outer_unseen = tsan::unseen_depth;
  tsan::unseen_depth = unseen_depth_;  // weft-instrument: counted without TSan's runtime too
  if (tsan_fiber_) {
    tsan_back_ = tsan::current_fiber();
    tsan::switch_to(tsan_fiber_, false);
  }
  self_ = std::move(self_).resume();
  unseen_depth_ = tsan::unseen_depth;
  tsan::unseen_depth = outer_unseen;
  finish_switch(scheduler_fake_stack, nullptr, nullptr);
  saved_ = slots.capture();
  slots.install(scheduler_state);
}

WEFT_NO_ASAN void Fiber::suspend(bool ended) {
  start_switch(&fake_stack_, back_bottom_, back_size_);
  // A switch that synchronized would order every fiber's steps after the
  // steps of those that ran before it, and hide every race.
  tsan::switch_to(tsan_back_, ended);
  back_ = std::move(back_).resume();
  finish_switch(fake_stack_, &back_bottom_, &back_size_);
}

WEFT_NO_ASAN boost::context::fiber Fiber::trampoline(Fiber* self, boost::context::fiber&& scheduler) {
  finish_switch(nullptr, &self->back_bottom_, &self->back_size_);
  self->back_ = std::move(scheduler);
  while (!self->retiring_) {
    self->entry_(self->arg_);
    self->suspend(true);  // parked until the next start() and resume(), or retire()
  }
  // The last switch away frees the fiber's fake stack: no save slot. Its
  // stack is reused or unmapped next: whoever does that comes after it.
  start_switch(nullptr, self->back_bottom_, self->back_size_);
  tsan::switch_to(self->tsan_back_, true);
  return std::move(self->back_);
}

}  // namespace weft::sched
