// memcpy, memmove and memset, free and realloc for the whole process, as
// ThreadSanitizer's runtime intercepts them (its runtime is not linked):
//
//  - a memcpy, memmove or memset made on a weft thread inside the extent of
//    instrumented code (an instrumented function is on the thread's stack;
//    clang turns struct copies and zeroing into these calls, and the
//    compiled part of libstdc++ makes them for std::string and the like) is
//    a read and a write of byte ranges for the race detector, as any
//    instrumented access is; weft's own work (Execution::Uncontrolled) and
//    code outside executions only copy;
//  - a free called by instrumented code on a weft thread (delete from the
//    program) marks the whole block freed for the race detector: an access
//    after it, ordered or not, and one before it that is not ordered
//    before it, are a UseAfterFree. The block stays in a quarantine until
//    the next execution begins, so it is not reused while such an access
//    can come; a block freed twice is a DoubleFree;
//  - any other memory that free or realloc gives back is forgotten by the
//    race detector, so the next block the allocator makes of it starts
//    afresh (without that, a block freed by one thread and reused by
//    another would race with its previous owner's accesses).
//
// Each forwards to the next definition in the process (the C library's, or
// a sanitizer runtime's interceptor), found on first use.

#include <dlfcn.h>
#include <malloc.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>

#include "instrument_hooks.h"
#include "instrument_state.h"
#include "locations.h"
#include "scheduler/trace.h"
#include "scheduler/tsan.h"

// In a build with AddressSanitizer or ThreadSanitizer, their runtime owns
// memcpy, memmove, memset, free and realloc: the executable's definitions
// would take them from it before it has started. Instrumented code there
// is checked without range accesses and without the quarantine
// (docs/instrumentation.md).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WEFT_OWNS_MEMORY_FUNCTIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define WEFT_OWNS_MEMORY_FUNCTIONS 0
#endif
#endif
#ifndef WEFT_OWNS_MEMORY_FUNCTIONS
#define WEFT_OWNS_MEMORY_FUNCTIONS 1
#endif

namespace weft::instrument {

namespace {

template <class F>
F next_definition(const char* name) noexcept {
  void* p = ::dlsym(RTLD_NEXT, name);
  F f;
  static_assert(sizeof f == sizeof p);
  __builtin_memcpy(&f, &p, sizeof f);
  return f;
}

// While the real functions are looked up (dlsym may copy and free), the
// copies are made here, byte by byte: volatile, so that the compiler does
// not turn the loops back into calls.
[[maybe_unused]] void* copy_bytes(void* to, const void* from, std::size_t n) noexcept {
  auto* d = static_cast<volatile unsigned char*>(to);
  const auto* s = static_cast<const volatile unsigned char*>(from);
  if (d < s)
    for (std::size_t k = 0; k < n; ++k) d[k] = s[k];
  else
    for (std::size_t k = n; k-- > 0;) d[k] = s[k];
  return to;
}
[[maybe_unused]] void* fill_bytes(void* to, int c, std::size_t n) noexcept {
  auto* d = static_cast<volatile unsigned char*>(to);
  for (std::size_t k = 0; k < n; ++k) d[k] = static_cast<unsigned char>(c);
  return to;
}

using Copy = void* (*)(void*, const void*, std::size_t);
using Fill = void* (*)(void*, int, std::size_t);
using Free = void (*)(void*);
using Realloc = void* (*)(void*, std::size_t);

struct Real {
  Copy memcpy = nullptr;
  Copy memmove = nullptr;
  Fill memset = nullptr;
  Free free = nullptr;
  Realloc realloc = nullptr;
};
Real real;
std::atomic<int> looked_up{0};  // 0: not yet, 1: in progress, 2: done

const Real* reals() noexcept {
  if (looked_up.load(std::memory_order_acquire) == 2) [[likely]] return &real;
  int expected = 0;
  if (!looked_up.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
    return expected == 2 ? &real : nullptr;  // in progress (dlsym's own calls): the fallbacks serve
  }
  real.memcpy = next_definition<Copy>("memcpy");
  real.memmove = next_definition<Copy>("memmove");
  real.memset = next_definition<Fill>("memset");
  real.free = next_definition<Free>("free");
  real.realloc = next_definition<Realloc>("realloc");
  looked_up.store(2, std::memory_order_release);
  return &real;
}

// seen_range says whether a memory call made now, by a caller whose stack
// pointer is `caller_sp`, is an access of instrumented code (see above).
[[maybe_unused]] bool seen_range(std::uintptr_t caller_sp, sched::Execution*& x) {
  x = program_thread();
  if (!x || x->aborting()) return false;
  const sched::tsan::Unseen weft_itself;
  auto& frames = State::of(*x).thread(x->current()).frames;
  while (!frames.empty() && frames.back() < caller_sp) frames.pop_back();  // frames that returned unseen
  return !frames.empty();
}

// forget drops what the race detector knew of the block at `p`, which the
// allocator has taken back (or `bytes` of it, when given). Only the OS
// thread that runs the execution gets past State::current(); its own frees
// while it forgets (the shadow's vectors) are not looked at.
void forget(void* p, std::size_t bytes = 0) noexcept {
  static bool forgetting = false;
  State* s = State::current();
  if (!s || s->memory.pages() == 0 || forgetting) return;
  const sched::tsan::Unseen weft_itself;
  forgetting = true;
  s->memory.forget(reinterpret_cast<std::uintptr_t>(p), bytes ? bytes : ::malloc_usable_size(p));
  forgetting = false;
}

}  // namespace

}  // namespace weft::instrument

namespace i = weft::instrument;

#define WEFT_CALLER_SP (reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0)) + 16)

#if WEFT_OWNS_MEMORY_FUNCTIONS
extern "C" void* memcpy(void* to, const void* from, std::size_t n) noexcept {
  weft::sched::Execution* x = nullptr;
  if (n && i::seen_range(WEFT_CALLER_SP, x)) {
    i::plain_access(from, n, false, __builtin_return_address(0));
    i::plain_access(to, n, true, __builtin_return_address(0));
  }
  const i::Real* r = i::reals();
  return r ? r->memcpy(to, from, n) : i::copy_bytes(to, from, n);
}

extern "C" void* memmove(void* to, const void* from, std::size_t n) noexcept {
  weft::sched::Execution* x = nullptr;
  if (n && i::seen_range(WEFT_CALLER_SP, x)) {
    i::plain_access(from, n, false, __builtin_return_address(0));
    i::plain_access(to, n, true, __builtin_return_address(0));
  }
  const i::Real* r = i::reals();
  return r ? r->memmove(to, from, n) : i::copy_bytes(to, from, n);
}

extern "C" void* memset(void* to, int c, std::size_t n) noexcept {
  weft::sched::Execution* x = nullptr;
  if (n && i::seen_range(WEFT_CALLER_SP, x)) i::plain_access(to, n, true, __builtin_return_address(0));
  const i::Real* r = i::reals();
  return r ? r->memset(to, c, n) : i::fill_bytes(to, c, n);
}
#endif

namespace weft::instrument {
namespace {
// quarantine takes a block the program frees, if it is freed by
// instrumented code on a weft thread (see above); false to free it now.
[[maybe_unused]] bool quarantine(void* p, std::uintptr_t caller_sp, const void* caller) {
  sched::Execution* x = nullptr;
  if (!seen_range(caller_sp, x)) return false;
  State* s = State::current();
  if (!s) return false;
  FreedBlock before;
  bool added = false;
  {
    const sched::tsan::Unseen weft_itself;
    const auto [it, fresh] = s->quarantined.try_emplace(p, FreedBlock{x->current(), x->steps(), caller});
    added = fresh;
    before = it->second;
  }
  if (!added) {
    const sched::tsan::Unseen weft_itself;
    const auto site = [](const sched::Location& l) {
      const std::string file(sched::base_name(l.file));
      return l.line == 0 ? file : file + ":" + std::to_string(l.line);
    };
    const sched::Location now = locate(caller);
    x->fail_later(sched::Verdict::DoubleFree,
                  "double free: T" + std::to_string(x->current()) + " frees at " + site(now) + " (step " +
                      std::to_string(x->steps()) + ") a block that T" + std::to_string(before.thread) +
                      " freed at " + site(locate(before.caller)) + " (step " + std::to_string(before.step) + ")",
                  now);
    return true;
  }
  freed_access(p, ::malloc_usable_size(p), caller);
  return true;
}
}  // namespace

}  // namespace weft::instrument

namespace weft::detail {
void forget_memory(void* p, std::size_t size) noexcept { instrument::forget(p, size); }
void mark_freed(void* p, std::size_t size, const void* caller) noexcept {
  try {
    instrument::freed_access(p, size, caller);
  } catch (...) {  // the shadow could not grow: the free goes unseen
  }
}
void free_now(void* p) noexcept {
  const instrument::Real* r = instrument::reals();
  if (!p || !r) return;
  instrument::forget(p);
  r->free(p);
}
}  // namespace weft::detail

namespace weft::instrument {

void release_quarantined(Quarantine& blocks) noexcept {
  const sched::tsan::Unseen weft_itself;
  const Real* r = reals();
  for (const auto& [p, freed] : blocks) r->free(p);
  blocks.clear();
}
}  // namespace weft::instrument

#if WEFT_OWNS_MEMORY_FUNCTIONS
extern "C" void free(void* p) noexcept {
  if (!p) return;
  const i::Real* r = i::reals();
  if (!r) return;  // freed while the real free is looked up: kept, once
  // free leaves errno alone (glibc's does, and POSIX now says so): callers
  // read errno after a call that frees its temporaries.
  const int saved_errno = errno;
  if (!i::quarantine(p, WEFT_CALLER_SP, __builtin_return_address(0))) {
    i::forget(p);
    r->free(p);
  }
  errno = saved_errno;
}

extern "C" void* realloc(void* p, std::size_t n) noexcept {
  const i::Real* r = i::reals();
  if (!r) return nullptr;
  const std::size_t before = p && i::State::current() ? ::malloc_usable_size(p) : 0;
  void* q = r->realloc(p, n);
  if (before && q != p) i::forget(p, before);  // moved, or freed (n == 0)
  if (q) i::forget(q);
  return q;
}
#endif
