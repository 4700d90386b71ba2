#include "program_image.h"

#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "program_heap.h"
#include "stubs.h"

namespace weft::program {

void copy_bytes(char* to, const char* from, std::size_t n) noexcept {
  std::size_t i = 0;
  if ((reinterpret_cast<std::uintptr_t>(to) - reinterpret_cast<std::uintptr_t>(from)) % 8 == 0) {
    for (; i < n && reinterpret_cast<std::uintptr_t>(to + i) % 8 != 0; ++i) static_cast<volatile char*>(to)[i] = from[i];
    for (; i + 8 <= n; i += 8)
      *reinterpret_cast<volatile std::uint64_t*>(to + i) = *reinterpret_cast<const volatile std::uint64_t*>(from + i);
  }
  for (; i < n; ++i) static_cast<volatile char*>(to)[i] = from[i];
}

namespace {

struct Search {
  const link_map* object;
  std::vector<std::pair<char*, std::size_t>> writable;
};

int find_writable(dl_phdr_info* info, std::size_t, void* p) {
  auto& s = *static_cast<Search*>(p);
  if (info->dlpi_addr != s.object->l_addr || std::strcmp(info->dlpi_name, s.object->l_name) != 0) return 0;
  std::uintptr_t relro_lo = 0, relro_hi = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_GNU_RELRO) {
      relro_lo = info->dlpi_addr + ph.p_vaddr;
      relro_hi = relro_lo + ph.p_memsz;
    }
  }
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_W)) continue;
    std::uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
    const std::uintptr_t hi = lo + ph.p_memsz;
    if (relro_lo <= lo && lo < relro_hi) lo = std::min(hi, relro_hi);
    if (lo < hi) s.writable.emplace_back(reinterpret_cast<char*>(lo), hi - lo);
  }
  return 1;
}

}  // namespace

std::unique_ptr<ProgramImage> ProgramImage::load(const std::string& path, std::string& error,
                                                 std::vector<std::string>* stubbed) {
  if (!make_program_heap(error)) return nullptr;  // before the constructors allocate
  // RTLD_NOW: a symbol nothing defines is an error now, not a crash in the
  // middle of an execution. RTLD_LOCAL: the program's symbols stay its own.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle && stubbed) {
    // Lazily bound, the calls of undefined functions can be pointed at
    // stubs before any of them is made (a constructor that calls one still
    // ends the process).
    handle = ::dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (handle) {
      *stubbed = stub_undefined_functions(handle, error);
      if (!error.empty()) return nullptr;
    }
  }
  if (!handle) {
    error = std::string("cannot load the program: ") + ::dlerror();
    return nullptr;
  }
  std::unique_ptr<ProgramImage> image(new ProgramImage);
  image->handle_ = handle;
  image->main_ = reinterpret_cast<MainFunction>(::dlsym(handle, "main"));
  if (!image->main_) {
    error = "the program " + path + " has no main function (is it built with default symbol visibility?)";
    return nullptr;
  }
  const link_map* object = nullptr;
  if (::dlinfo(handle, RTLD_DI_LINKMAP, &object) != 0 || !object) {
    error = std::string("cannot find the program's segments: ") + ::dlerror();
    return nullptr;
  }
  Search search{object, {}};
  dl_iterate_phdr(&find_writable, &search);
  for (const auto& [at, size] : search.writable) {
    Segment& s = image->segments_.emplace_back(Segment{at, size, std::vector<char>(size + 8), nullptr});
    // The copy sits at the segment's offset modulo 8, so both copy by words.
    char* base = s.storage.data();
    const auto skew = (reinterpret_cast<std::uintptr_t>(at) - reinterpret_cast<std::uintptr_t>(base)) % 8;
    s.snapshot = base + skew;
    copy_bytes(s.snapshot, at, size);
  }
  const HeapLock hold;
  program_heap()->snapshot();
  return image;
}

// The object is never closed: weft keeps pointers into it (file names of
// assertions, function names in traces), and the process ends soon after.
ProgramImage::~ProgramImage() = default;

void ProgramImage::reset() noexcept {
  for (const Segment& s : segments_) copy_bytes(s.at, s.snapshot, s.size);
  const HeapLock hold;
  program_heap()->restore();
}

std::size_t ProgramImage::data_bytes() const noexcept {
  std::size_t n = 0;
  for (const Segment& s : segments_) n += s.size;
  return n;
}

}  // namespace weft::program
