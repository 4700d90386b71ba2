// The allocation functions of a program test, served from the program's
// heap (program_heap.h). Each __wrap_<function> takes the place of
// <function> for the program's own calls only (-Wl,--wrap), so the driver
// and the libraries keep the C library's heap.
//
// Pointers the C library allocated (realpath(p, NULL), scandir,
// open_memstream, or libstdc++'s own out-of-line code) are not the heap's:
// the program may still free them, and free, realloc, delete and
// malloc_usable_size pass whatever the heap does not own on to the C and
// C++ libraries. The converse cannot be caught: a heap block freed by code
// inside those libraries. getline and getdelim, which grow the caller's
// buffer, are served here for that reason.
//
// A double free, or a free of a pointer into the heap that no allocation
// returned, is a Crash of the execution (the C library would abort), with
// the threads and lines that allocated and freed the block.

#include <malloc.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <unistd.h>

#include "instrument_seam.h"
#include "program_heap.h"
#include "scheduler/execution.h"
#include "scheduler/trace.h"
#include "symbols.h"

namespace weft::program {

namespace {

using sched::Execution;
using sched::Heap;
using sched::HeapBlock;
using sched::HeapSite;

std::atomic_flag heap_busy = ATOMIC_FLAG_INIT;
// Never destroyed: the program's exit handlers free into it after main.
alignas(Heap) unsigned char heap_storage[sizeof(Heap)];
Heap* heap = nullptr;

}  // namespace

HeapLock::HeapLock() noexcept {
  while (heap_busy.test_and_set(std::memory_order_acquire)) {
  }
}
HeapLock::~HeapLock() { heap_busy.clear(std::memory_order_release); }

bool make_program_heap(std::string& error) {
  const HeapLock hold;
  if (heap) return true;
  try {
    heap = new (heap_storage) Heap(Heap::Limits{});
    return true;
  } catch (const std::bad_alloc&) {
    error = "cannot reserve address space for the program's heap";
    return false;
  }
}

Heap* program_heap() noexcept { return heap; }

namespace {

HeapSite site_of(const void* caller) noexcept {
  Execution* x = Execution::active();
  return {x ? x->current() : sched::kNoThread, x ? x->steps() : 0, caller};
}

// located is " at file:line" for a call site, or "".
std::string located(const void* caller) {
  const sched::Location at = verifier::caller_location(caller);
  if (!*at.file) return "";
  return " at " + std::string(sched::base_name(at.file)) + (at.line ? ":" + std::to_string(at.line) : "");
}

// by says who did something to a block, where and when: "by T0 at x.c:5
// after step 3", or "outside the executions at x.c:5" (a constructor).
std::string by(const HeapSite& s) {
  if (s.thread == sched::kNoThread) return "outside the executions" + located(s.caller);
  return "by T" + std::to_string(s.thread) + located(s.caller) + " after step " + std::to_string(s.step);
}

// refused says what a call (free, realloc, delete) did wrong with `p`:
// `block` is the heap block p points into, if any.
std::string refused(const HeapBlock* block, const void* p, const char* call, const void* caller) {
  const HeapSite me = site_of(caller);
  const std::string did = (me.thread == sched::kNoThread ? std::string("the program") : "T" + std::to_string(me.thread)) +
                          " called " + call + "() on ";
  if (!block) return did + "a pointer into the program's heap that no allocation returned";
  if (block->start != p) {
    const auto offset = static_cast<std::size_t>(static_cast<const char*>(p) - block->start);
    return did + "a pointer " + std::to_string(offset) + " bytes into a " + std::to_string(block->size) +
           "-byte block allocated " + by(block->allocated) + ": no allocation returned it";
  }
  const bool reuse = std::strcmp(call, "realloc") == 0;
  return did + "a " + std::to_string(block->size) + "-byte block freed already " + by(block->freed) +
         ", allocated " + by(block->allocated) + (reuse ? ": a use after free" : ": a double free");
}

// refuse ends the execution, as the C library would end the process (glibc
// aborts in free): a DoubleFree, a UseAfterFree (realloc of a freed
// block), or a Crash (a pointer no allocation returned). Outside an
// execution (a constructor, an exit handler) it says so and aborts.
[[noreturn]] void refuse(const HeapBlock* block, const void* p, const char* call, const void* caller) {
  Execution* x = Execution::active();
  {
    // In a scope of its own: nothing may be left to destroy on a stack
    // that halt() drops.
    std::string what = refused(block, p, call, caller);
    if (!x) {
      what = "weft: " + what + located(caller) + "\n";
      (void)!::write(STDERR_FILENO, what.data(), what.size());
      std::abort();
    }
    sched::Verdict kind = sched::Verdict::Crash;
    if (block && block->start == p)
      kind = std::strcmp(call, "realloc") == 0 ? sched::Verdict::UseAfterFree : sched::Verdict::DoubleFree;
    x->fail_later(kind, std::move(what), verifier::caller_location(caller));
  }
  // As abort() ends it: a program's execution drops its threads, a test
  // body's unwind, the calling thread (it may be in a noexcept delete) is
  // dropped.
  if (x->abandons_unfinished()) x->halt();
  x->drop_current();
}

void* allocate(std::size_t size, std::size_t alignment, bool zero, const void* caller) noexcept {
  if (!heap) {  // not a program test's driver: the C library's heap
    void* p = nullptr;
    if (::posix_memalign(&p, alignment < sizeof(void*) ? sizeof(void*) : alignment, size ? size : 1) != 0) return nullptr;
    if (zero) std::memset(p, 0, size);
    return p;
  }
  const HeapSite site = site_of(caller);
  void* p;
  {
    const HeapLock hold;
    p = heap->allocate(size, alignment, site, zero);
  }
  // A slot that left the quarantine starts afresh for the race detector,
  // which saw its last block freed.
  if (p && &weft::detail::forget_memory != nullptr) weft::detail::forget_memory(p, size ? size : 1);
  if (!p) errno = ENOMEM;
  return p;
}

// release frees `p` if the heap owns it and returns true; false means the
// pointer is someone else's, for the caller to pass on.
bool release(void* p, const char* call, const void* caller) {
  if (!p || !heap || !heap->owns(p)) return !p;
  const HeapSite site = site_of(caller);
  HeapBlock block;
  const HeapBlock* found = nullptr;
  {
    const HeapLock hold;
    if (const HeapBlock* b = heap->find(p)) block = *b;
    if (heap->release(p, site) == Heap::Release::Freed) found = &block;
  }
  if (found) {
    // The race detector sees the block freed: an access to it from now on
    // is a use after free (the heap keeps it in quarantine meanwhile).
    if (&weft::detail::mark_freed != nullptr) weft::detail::mark_freed(p, block.size, caller);
    return true;
  }
  {
    const HeapLock hold;
    if (const HeapBlock* b = heap->find(p)) found = &(block = *b);
  }
  refuse(found, p, call, caller);
}

void* reallocate(void* p, std::size_t size, const void* caller) {
  if (!p) return allocate(size, 1, false, caller);
  if (!heap || !heap->owns(p)) return std::realloc(p, size);
  if (size == 0) {  // as glibc does: free it
    release(p, "realloc", caller);
    return nullptr;
  }
  const HeapSite site = site_of(caller);
  HeapBlock block;
  const HeapBlock* found = nullptr;
  {
    const HeapLock hold;
    const HeapBlock* b = heap->find(p);
    if (b && b->start == p && b->live) block = *b;
    else if (b) found = &(block = *b);
  }
  if (block.live && !found) {
    void* moved;
    {
      const HeapLock hold;
      moved = heap->resize(p, size, site);
    }
    if (!moved) errno = ENOMEM;
    if (moved && moved != p) {
      if (&weft::detail::forget_memory != nullptr) weft::detail::forget_memory(moved, size);
      if (&weft::detail::mark_freed != nullptr) weft::detail::mark_freed(p, block.size, caller);
    }
    return moved;
  }
  refuse(found, p, "realloc", caller);
}

bool multiply(std::size_t a, std::size_t b, std::size_t& out) noexcept { return !__builtin_mul_overflow(a, b, &out); }

bool power_of_two(std::size_t n) noexcept { return n && (n & (n - 1)) == 0; }

// formatted is vasprintf into a block of the heap: the C library's
// vasprintf formats, into its own heap, and the text is copied over.
int formatted(char** out, const char* format, va_list arguments, const void* caller) {
  char* text = nullptr;
  const int n = ::vasprintf(&text, format, arguments);
  if (n < 0 || !heap) {
    if (n >= 0) *out = text;
    return n;
  }
  *out = static_cast<char*>(allocate(static_cast<std::size_t>(n) + 1, 1, false, caller));
  if (*out) std::memcpy(*out, text, static_cast<std::size_t>(n) + 1);
  std::free(text);
  return *out ? n : -1;
}

void* new_or_throw(std::size_t size, std::size_t alignment, const void* caller) {
  void* p = allocate(size, alignment, false, caller);
  if (!p) throw std::bad_alloc();
  return p;
}

}  // namespace
}  // namespace weft::program

using weft::program::allocate;
using weft::program::new_or_throw;
using weft::program::release;

#define WEFT_CALLER __builtin_return_address(0)

extern "C" {

void* __wrap_malloc(std::size_t size) { return allocate(size, 1, false, WEFT_CALLER); }

void* __wrap_calloc(std::size_t count, std::size_t size) {
  std::size_t total;
  if (!weft::program::multiply(count, size, total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return allocate(total, 1, true, WEFT_CALLER);
}

void* __wrap_realloc(void* p, std::size_t size) { return weft::program::reallocate(p, size, WEFT_CALLER); }

void* __wrap_reallocarray(void* p, std::size_t count, std::size_t size) {
  std::size_t total;
  if (!weft::program::multiply(count, size, total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return weft::program::reallocate(p, total, WEFT_CALLER);
}

void __wrap_free(void* p) {
  if (release(p, "free", WEFT_CALLER)) return;
  if (&weft::detail::free_now != nullptr)
    weft::detail::free_now(p);
  else
    std::free(p);
}

int __wrap_posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  if (!weft::program::power_of_two(alignment) || alignment % sizeof(void*) != 0) return EINVAL;
  void* p = allocate(size, alignment, false, WEFT_CALLER);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

void* __wrap_aligned_alloc(std::size_t alignment, std::size_t size) {
  if (!weft::program::power_of_two(alignment)) {
    errno = EINVAL;
    return nullptr;
  }
  return allocate(size, alignment, false, WEFT_CALLER);
}

void* __wrap_memalign(std::size_t alignment, std::size_t size) {
  if (!weft::program::power_of_two(alignment)) {
    errno = EINVAL;
    return nullptr;
  }
  return allocate(size, alignment, false, WEFT_CALLER);
}

void* __wrap_valloc(std::size_t size) {
  return allocate(size, static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)), false, WEFT_CALLER);
}

void* __wrap_pvalloc(std::size_t size) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return allocate((size + page - 1) / page * page, page, false, WEFT_CALLER);
}

std::size_t __wrap_malloc_usable_size(void* p) {
  using weft::program::heap;
  if (!p) return 0;
  if (!heap || !heap->owns(p)) return ::malloc_usable_size(p);
  const weft::program::HeapLock hold;
  const weft::sched::HeapBlock* b = heap->block_at(p);
  return b && b->live ? b->size : 0;
}

char* __wrap_strdup(const char* s) {
  const std::size_t n = std::strlen(s);
  auto* copy = static_cast<char*>(allocate(n + 1, 1, false, WEFT_CALLER));
  if (copy) std::memcpy(copy, s, n + 1);
  return copy;
}

char* __wrap_strndup(const char* s, std::size_t most) {
  const std::size_t n = ::strnlen(s, most);
  auto* copy = static_cast<char*>(allocate(n + 1, 1, false, WEFT_CALLER));
  if (!copy) return nullptr;
  std::memcpy(copy, s, n);
  copy[n] = '\0';
  return copy;
}

// getdelim reads with the C library's into a buffer of its own, then puts
// the line into the caller's buffer, grown in the heap as the C library
// would grow it.
ssize_t __wrap_getdelim(char** line, std::size_t* capacity, int delimiter, FILE* stream) {
  using weft::program::heap;
  if (!line || !capacity) {
    errno = EINVAL;
    return -1;
  }
  if (!heap || (*line && !heap->owns(*line))) return ::getdelim(line, capacity, delimiter, stream);
  const void* caller = WEFT_CALLER;
  char* read = nullptr;
  std::size_t read_capacity = 0;
  const ssize_t n = ::getdelim(&read, &read_capacity, delimiter, stream);
  if (n < 0) {
    std::free(read);
    return n;
  }
  const auto needed = static_cast<std::size_t>(n) + 1;
  if (!*line || *capacity < needed) {
    void* grown = weft::program::reallocate(*line, needed, caller);
    if (!grown) {
      std::free(read);
      return -1;
    }
    *line = static_cast<char*>(grown);
    *capacity = needed;
  }
  std::memcpy(*line, read, needed);
  std::free(read);
  return n;
}

ssize_t __wrap_getline(char** line, std::size_t* capacity, FILE* stream) {
  return __wrap_getdelim(line, capacity, '\n', stream);
}

int __wrap_vasprintf(char** out, const char* format, va_list arguments) {
  return weft::program::formatted(out, format, arguments, WEFT_CALLER);
}

int __wrap_asprintf(char** out, const char* format, ...) {
  va_list arguments;
  va_start(arguments, format);
  const int n = weft::program::formatted(out, format, arguments, WEFT_CALLER);
  va_end(arguments);
  return n;
}

// C++: operator new and delete in every form, by their mangled names.
void* __wrap__Znwm(std::size_t size) { return new_or_throw(size, 1, WEFT_CALLER); }
void* __wrap__Znam(std::size_t size) { return new_or_throw(size, 1, WEFT_CALLER); }
void* __wrap__ZnwmRKSt9nothrow_t(std::size_t size, const std::nothrow_t&) noexcept {
  return allocate(size, 1, false, WEFT_CALLER);
}
void* __wrap__ZnamRKSt9nothrow_t(std::size_t size, const std::nothrow_t&) noexcept {
  return allocate(size, 1, false, WEFT_CALLER);
}
void* __wrap__ZnwmSt11align_val_t(std::size_t size, std::align_val_t alignment) {
  return new_or_throw(size, static_cast<std::size_t>(alignment), WEFT_CALLER);
}
void* __wrap__ZnamSt11align_val_t(std::size_t size, std::align_val_t alignment) {
  return new_or_throw(size, static_cast<std::size_t>(alignment), WEFT_CALLER);
}
void* __wrap__ZnwmSt11align_val_tRKSt9nothrow_t(std::size_t size, std::align_val_t alignment,
                                                const std::nothrow_t&) noexcept {
  return allocate(size, static_cast<std::size_t>(alignment), false, WEFT_CALLER);
}
void* __wrap__ZnamSt11align_val_tRKSt9nothrow_t(std::size_t size, std::align_val_t alignment,
                                                const std::nothrow_t&) noexcept {
  return allocate(size, static_cast<std::size_t>(alignment), false, WEFT_CALLER);
}

void __wrap__ZdlPv(void* p) noexcept {
  if (!release(p, "operator delete", WEFT_CALLER)) ::operator delete(p);
}
void __wrap__ZdaPv(void* p) noexcept {
  if (!release(p, "operator delete[]", WEFT_CALLER)) ::operator delete[](p);
}
// The sized forms pass what is not the heap's to the unsized ones, which
// is what the C++ library's sized forms do (clang declares them only with
// -fsized-deallocation).
void __wrap__ZdlPvm(void* p, std::size_t) noexcept {
  if (!release(p, "operator delete", WEFT_CALLER)) ::operator delete(p);
}
void __wrap__ZdaPvm(void* p, std::size_t) noexcept {
  if (!release(p, "operator delete[]", WEFT_CALLER)) ::operator delete[](p);
}
void __wrap__ZdlPvSt11align_val_t(void* p, std::align_val_t alignment) noexcept {
  if (!release(p, "operator delete", WEFT_CALLER)) ::operator delete(p, alignment);
}
void __wrap__ZdaPvSt11align_val_t(void* p, std::align_val_t alignment) noexcept {
  if (!release(p, "operator delete[]", WEFT_CALLER)) ::operator delete[](p, alignment);
}
void __wrap__ZdlPvmSt11align_val_t(void* p, std::size_t, std::align_val_t alignment) noexcept {
  if (!release(p, "operator delete", WEFT_CALLER)) ::operator delete(p, alignment);
}
void __wrap__ZdaPvmSt11align_val_t(void* p, std::size_t, std::align_val_t alignment) noexcept {
  if (!release(p, "operator delete[]", WEFT_CALLER)) ::operator delete[](p, alignment);
}
void __wrap__ZdlPvRKSt9nothrow_t(void* p, const std::nothrow_t& tag) noexcept {
  if (!release(p, "operator delete", WEFT_CALLER)) ::operator delete(p, tag);
}
void __wrap__ZdaPvRKSt9nothrow_t(void* p, const std::nothrow_t& tag) noexcept {
  if (!release(p, "operator delete[]", WEFT_CALLER)) ::operator delete[](p, tag);
}
void __wrap__ZdlPvSt11align_val_tRKSt9nothrow_t(void* p, std::align_val_t alignment, const std::nothrow_t& tag) noexcept {
  if (!release(p, "operator delete", WEFT_CALLER)) ::operator delete(p, alignment, tag);
}
void __wrap__ZdaPvSt11align_val_tRKSt9nothrow_t(void* p, std::align_val_t alignment, const std::nothrow_t& tag) noexcept {
  if (!release(p, "operator delete[]", WEFT_CALLER)) ::operator delete[](p, alignment, tag);
}

}  // extern "C"

std::string weft::detail::describe_heap_block(const void* p) {
  if (!weft::program::heap || !weft::program::heap->owns(p)) return "";
  weft::sched::HeapBlock block;
  {
    const weft::program::HeapLock hold;
    const weft::sched::HeapBlock* b = weft::program::heap->find(p);
    if (!b) return "";
    block = *b;
  }
  std::string out = ", in a " + std::to_string(block.size) + "-byte block allocated " + weft::program::by(block.allocated);
  if (!block.live) out += ", freed " + weft::program::by(block.freed);
  return out;
}
