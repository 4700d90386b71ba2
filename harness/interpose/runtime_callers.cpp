// Calls that come from the C++ runtime's own machinery, not the program:
// made by the unwinder, or on the runtime's own objects.

#include <link.h>

#include <atomic>
#include <cstdint>
#include <cstring>

#include "table.h"

namespace weft::interpose {

namespace {
// Range is [begin, end) of addresses; begin 1 and end 1: looked for, not
// found.
struct Range {
  std::uintptr_t begin = 1;
  std::uintptr_t end = 1;
  bool holds(std::uintptr_t at) const noexcept { return begin <= at && at < end; }
};

// RuntimeRanges are found once per process: the unwinder's code, and the
// writable data of the C++ runtime's libraries (libstdc++ and libgcc_s).
struct RuntimeRanges {
  Range unwinder_code;
  Range data[2];
  Range sanitizer_code;  // a shared sanitizer runtime's (libasan, libubsan, ...)
};

void widen(Range& r, std::uintptr_t begin, std::uintptr_t end) noexcept {
  if (r.begin == 1 || begin < r.begin) r.begin = begin;
  if (end > r.end) r.end = end;
}

int find_runtime(dl_phdr_info* info, std::size_t, void* out) {
  auto& ranges = *static_cast<RuntimeRanges*>(out);
  if (!info->dlpi_name) return 0;
  if (std::strstr(info->dlpi_name, "san.so")) {
    for (int i = 0; i < info->dlpi_phnum; ++i) {
      const ElfW(Phdr)& h = info->dlpi_phdr[i];
      const std::uintptr_t begin = info->dlpi_addr + h.p_vaddr;
      if (h.p_type == PT_LOAD && (h.p_flags & PF_X)) widen(ranges.sanitizer_code, begin, begin + h.p_memsz);
    }
    return 0;
  }
  const bool unwinder = std::strstr(info->dlpi_name, "libgcc_s.so") != nullptr;
  const bool runtime = unwinder || std::strstr(info->dlpi_name, "libstdc++.so") != nullptr;
  if (!runtime) return 0;
  Range& data = ranges.data[unwinder ? 1 : 0];
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& h = info->dlpi_phdr[i];
    if (h.p_type != PT_LOAD) continue;
    const std::uintptr_t begin = info->dlpi_addr + h.p_vaddr;
    if (unwinder && (h.p_flags & PF_X)) widen(ranges.unwinder_code, begin, begin + h.p_memsz);
    if (h.p_flags & PF_W) widen(data, begin, begin + h.p_memsz);
  }
  return 0;
}

// runtime_ranges looks the ranges up on first use. Racing first uses from
// real threads compute the same ranges; `found` publishes them.
const RuntimeRanges& runtime_ranges() noexcept {
  static constinit RuntimeRanges ranges;
  static constinit std::atomic<bool> found{false};
  if (!found.load(std::memory_order_acquire)) {
    RuntimeRanges r;
    ::dl_iterate_phdr(&find_runtime, &r);
    ranges = r;
    found.store(true, std::memory_order_release);
  }
  return ranges;
}
}  // namespace

bool from_runtime(const void* caller) noexcept {
  return runtime_ranges().unwinder_code.holds(reinterpret_cast<std::uintptr_t>(caller));
}

bool from_sanitizer(const void* caller) noexcept {
  return runtime_ranges().sanitizer_code.holds(reinterpret_cast<std::uintptr_t>(caller));
}

bool runtime_object(const void* object) noexcept {
  const RuntimeRanges& r = runtime_ranges();
  const auto at = reinterpret_cast<std::uintptr_t>(object);
  return r.data[0].holds(at) || r.data[1].holds(at);
}

}  // namespace weft::interpose
