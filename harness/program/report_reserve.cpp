// weft's own operator new and delete in a program test's driver: the C
// library's heap, except while a crash is being reported.
//
// A C program can break the C library's heap through what the C library
// allocated for it (a getcwd() buffer written after its free), and glibc
// then aborts from inside malloc with its lock held, never to release it.
// weft builds its report with std::string and std::vector; on that heap it
// would wait for ever for the lock, or fault again and die without a word.
// So once the crash handler calls crash_report_begins(), every allocation
// comes from a reserve of this file's and nothing is freed, and the driver
// ends after its report without running exit handlers (runner.cpp). Only executables that link weft::program (drivers, and weft's
// tests and benchmark of it) replace operator new this way; the normal path
// is the C library's malloc and free, as libstdc++'s own. Not under
// AddressSanitizer: its heap is not the C library's, and its runtime
// defines operator new itself.

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#include "report_reserve.h"

#include "crash_handler.h"
#include "scheduler/sanitizers.h"

namespace {
std::atomic<bool> reporting{false};
}  // namespace

#if !WEFT_ASAN
namespace {

// The reserve: address space only, until a report touches it.
constexpr std::size_t kReserve = std::size_t{64} << 20;
alignas(64) unsigned char reserve[kReserve];
std::atomic<std::size_t> reserve_used{0};

void* from_reserve(std::size_t size, std::size_t alignment) noexcept {
  std::size_t used = reserve_used.load(std::memory_order_relaxed);
  for (;;) {
    const std::size_t start = (used + alignment - 1) / alignment * alignment;
    if (start > kReserve || kReserve - start < size) return nullptr;
    if (reserve_used.compare_exchange_weak(used, start + size, std::memory_order_relaxed)) return reserve + start;
  }
}

void* allocate(std::size_t size, std::size_t alignment) {
  if (reporting.load(std::memory_order_relaxed)) {
    if (void* p = from_reserve(size, alignment < 16 ? 16 : alignment)) return p;
    throw std::bad_alloc();
  }
  for (;;) {
    void* p = alignment <= 16 ? std::malloc(size ? size : 1)
                              : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
    if (p) return p;
    const std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

void release(void* p) noexcept {
  if (!reporting.load(std::memory_order_relaxed)) std::free(p);
}

}  // namespace

#endif

namespace weft::detail {
void crash_report_begins() noexcept { reporting.store(true); }
}  // namespace weft::detail

bool weft::program::crash_report_began() noexcept { return reporting.load(); }

#if !WEFT_ASAN

// The replaceable forms libstdc++ builds the others on (array, nothrow and
// sized forms call these).
void* operator new(std::size_t size) { return allocate(size, 1); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  return allocate(size, static_cast<std::size_t>(alignment));
}
void operator delete(void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
#endif
