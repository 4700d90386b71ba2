// Calls that come from the C++ runtime's own machinery, not the program.

#include <link.h>

#include <atomic>
#include <cstdint>
#include <cstring>

#include "table.h"

namespace weft::interpose {

namespace {
// The unwinder's code (libgcc_s's executable segment), found once. begin 1
// and end 1: looked for and not found.
constinit std::atomic<std::uintptr_t> unwinder_begin{0};
constinit std::atomic<std::uintptr_t> unwinder_end{0};

int find_unwinder(dl_phdr_info* info, std::size_t, void* out) {
  if (!info->dlpi_name || !std::strstr(info->dlpi_name, "libgcc_s.so")) return 0;
  auto* range = static_cast<std::uintptr_t*>(out);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& h = info->dlpi_phdr[i];
    if (h.p_type != PT_LOAD || !(h.p_flags & PF_X)) continue;
    const std::uintptr_t begin = info->dlpi_addr + h.p_vaddr;
    if (range[0] == 1 || begin < range[0]) range[0] = begin;
    if (begin + h.p_memsz > range[1]) range[1] = begin + h.p_memsz;
  }
  return 1;
}
}  // namespace

bool from_runtime(const void* caller) noexcept {
  std::uintptr_t begin = unwinder_begin.load(std::memory_order_acquire);
  if (!begin) {
    std::uintptr_t range[2] = {1, 1};
    ::dl_iterate_phdr(&find_unwinder, range);
    unwinder_end.store(range[1], std::memory_order_relaxed);
    unwinder_begin.store(begin = range[0], std::memory_order_release);
  }
  const auto at = reinterpret_cast<std::uintptr_t>(caller);
  return begin <= at && at < unwinder_end.load(std::memory_order_relaxed);
}

}  // namespace weft::interpose
