#include "scheduler/tsan.h"

// The rest of the runtime's interface weft uses (tsan_interface.h declares
// most; __tsan_flush_memory it does not), as weak references: null when the
// executable has no TSan runtime.
extern "C" {
void* __tsan_get_current_fiber() __attribute__((weak));
void __tsan_destroy_fiber(void* fiber) __attribute__((weak));
void __tsan_switch_to_fiber(void* fiber, unsigned flags) __attribute__((weak));
void __tsan_set_fiber_name(void* fiber, const char* name) __attribute__((weak));
void __tsan_acquire(void* address) __attribute__((weak));
void __tsan_release(void* address) __attribute__((weak));
void __tsan_flush_memory() __attribute__((weak));
}

namespace weft::sched::tsan {

namespace {
constexpr unsigned kNoSync = 1;  // __tsan_switch_to_fiber_no_sync
}

void* current_fiber() noexcept { return present() ? __tsan_get_current_fiber() : nullptr; }

void* create_fiber(const char* name) noexcept {
  if (!present()) return nullptr;
  void* fiber = __tsan_create_fiber(0);
  if (name) __tsan_set_fiber_name(fiber, name);
  return fiber;
}

void destroy_fiber(void* fiber) noexcept {
  if (fiber) __tsan_destroy_fiber(fiber);
}

void switch_to(void* fiber, bool synchronize) noexcept {
  if (fiber) __tsan_switch_to_fiber(fiber, synchronize ? 0 : kNoSync);
}

void acquire(const void* address) noexcept {
  if (present()) __tsan_acquire(const_cast<void*>(address));
}

void release(const void* address) noexcept {
  if (present()) __tsan_release(const_cast<void*>(address));
}

thread_local int unseen_depth = 0;

void close_unseen() noexcept {
  for (; unseen_depth > 0; --unseen_depth)
    if (present()) __tsan_ignore_thread_end();
}

void forget_everything() noexcept {
  if (present()) __tsan_flush_memory();
}

Seen::Seen() noexcept : on_(present()) {
  --unseen_depth;
  if (on_) __tsan_ignore_thread_end();
}

Seen::~Seen() {
  if (on_) __tsan_ignore_thread_begin();
  ++unseen_depth;
}

}  // namespace weft::sched::tsan
