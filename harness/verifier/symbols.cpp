#include "symbols.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/execution.h"
#include "source_lines.h"

namespace weft::verifier {

namespace {

// LoadedObject is one shared object or the executable, with its functions
// sorted by start address.
struct LoadedObject {
  std::uintptr_t lo = 0, hi = 0;  // the span of its PT_LOAD segments
  std::vector<Function> functions;
};

// Registry holds every object looked up so far. Process-wide because the
// C entry points that need it (__cyg_profile_func_enter, the __VERIFIER_
// functions) carry no context; guarded since explorations may run on
// several OS threads.
struct Registry {
  std::mutex guard;
  std::vector<LoadedObject> objects;
  std::deque<std::string> names;  // stable storage for Function::name
};

Registry& registry() {
  static Registry r;
  return r;
}

Role role_of(std::string_view name) noexcept {
  constexpr std::string_view atomic = "__VERIFIER_atomic_";
  if (name == "reach_error") return Role::ReachError;
  if (name.substr(0, atomic.size()) == atomic && name != "__VERIFIER_atomic_begin" &&
      name != "__VERIFIER_atomic_end")
    return Role::Atomic;
  return Role::Plain;
}

// readable gives a symbol's name as a reader knows it: demangled, and
// without the suffix of a part the compiler split off (main.cold,
// f.part.0), which a C identifier cannot contain.
std::string readable(const char* name) {
  if (std::strncmp(name, "_Z", 2) != 0) return std::string(name, std::strcspn(name, "."));
  int status = 0;
  char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string result = status == 0 && out ? out : name;
  std::free(out);
  return result;
}

// read_functions adds the functions of the ELF file at `path`, loaded at
// `base`, to `object`: from .symtab where the file has one (it names static
// functions too), else from .dynsym.
void read_functions(const char* path, std::uintptr_t base, LoadedObject& object, std::deque<std::string>& names) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st {};
  void* map = ::fstat(fd, &st) == 0 && st.st_size > 0
                  ? ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0)
                  : MAP_FAILED;
  ::close(fd);
  if (map == MAP_FAILED) return;
  const auto size = static_cast<std::size_t>(st.st_size);
  const auto* bytes = static_cast<const unsigned char*>(map);
  const auto* eh = static_cast<const ElfW(Ehdr)*>(map);
  const bool sane = size >= sizeof(ElfW(Ehdr)) && std::memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
                    eh->e_shoff != 0 && eh->e_shoff + eh->e_shnum * sizeof(ElfW(Shdr)) <= size;
  if (sane) {
    const auto* sections = reinterpret_cast<const ElfW(Shdr)*>(bytes + eh->e_shoff);
    const ElfW(Shdr)* table = nullptr;
    for (unsigned i = 0; i < eh->e_shnum; ++i)
      if (sections[i].sh_type == SHT_SYMTAB || (!table && sections[i].sh_type == SHT_DYNSYM)) table = &sections[i];
    if (table && table->sh_link < eh->e_shnum && table->sh_offset + table->sh_size <= size) {
      const ElfW(Shdr)& strtab = sections[table->sh_link];
      const auto* syms = reinterpret_cast<const ElfW(Sym)*>(bytes + table->sh_offset);
      const std::size_t count = table->sh_size / sizeof(ElfW(Sym));
      for (std::size_t i = 0; i < count; ++i) {
        const ElfW(Sym)& s = syms[i];
        if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_shndx == SHN_UNDEF || s.st_value == 0) continue;
        if (s.st_name >= strtab.sh_size || strtab.sh_offset + strtab.sh_size > size) continue;
        const char* raw = reinterpret_cast<const char*>(bytes + strtab.sh_offset + s.st_name);
        Function f;
        f.start = base + s.st_value;
        f.end = f.start + std::max<ElfW(Xword)>(s.st_size, 1);
        f.name = names.emplace_back(readable(raw)).c_str();
        f.role = role_of(f.name);
        object.functions.push_back(f);
      }
    }
  }
  ::munmap(map, size);
  std::sort(object.functions.begin(), object.functions.end(),
            [](const Function& a, const Function& b) { return a.start < b.start; });
}

// load_object_at reads the object whose segments contain `pc`; false if
// no loaded object does.
bool load_object_at(std::uintptr_t pc, Registry& r) {
  struct Search {
    std::uintptr_t pc;
    LoadedObject object;
    std::string path;
    std::uintptr_t base = 0;
    bool found = false;
  } search{pc, {}, {}};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* p) {
        auto& s = *static_cast<Search*>(p);
        std::uintptr_t lo = UINTPTR_MAX, hi = 0;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          lo = std::min<std::uintptr_t>(lo, info->dlpi_addr + ph.p_vaddr);
          hi = std::max<std::uintptr_t>(hi, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
        }
        if (s.pc < lo || s.pc >= hi) return 0;
        s.object.lo = lo;
        s.object.hi = hi;
        s.base = info->dlpi_addr;
        // The executable is listed with an empty name.
        s.path = info->dlpi_name && *info->dlpi_name ? info->dlpi_name : "/proc/self/exe";
        s.found = true;
        return 1;
      },
      &search);
  if (!search.found) return false;
  read_functions(search.path.c_str(), search.base, search.object, r.names);
  r.objects.push_back(std::move(search.object));
  return true;
}

}  // namespace

const Function* function_at(const void* pc) {
  const auto at = reinterpret_cast<std::uintptr_t>(pc);
  const sched::Execution::Uncontrolled weft_itself;  // the lock, and what reading a file calls
  Registry& r = registry();
  const std::lock_guard<std::mutex> hold(r.guard);
  auto object = std::find_if(r.objects.begin(), r.objects.end(),
                             [at](const LoadedObject& o) { return at >= o.lo && at < o.hi; });
  if (object == r.objects.end()) {
    if (!load_object_at(at, r)) return nullptr;
    object = r.objects.end() - 1;
  }
  const auto& fs = object->functions;
  auto next = std::upper_bound(fs.begin(), fs.end(), at, [](std::uintptr_t a, const Function& f) { return a < f.start; });
  if (next == fs.begin()) return nullptr;
  const Function& f = *(next - 1);
  return at < f.end ? &f : nullptr;
}

namespace {
// call_of is the address of the call instruction that `return_address`
// returns after: one byte back, since after a call that never returns the
// return address may be the first byte of the next function.
const void* call_of(const void* return_address) noexcept {
  return return_address ? static_cast<const char*>(return_address) - 1 : nullptr;
}
}  // namespace

sched::Location caller_location(const void* return_address) {
  const void* call = call_of(return_address);
  if (!call) return {};
  sched::Location where;
  if (detail::source_line(reinterpret_cast<std::uintptr_t>(call), where.file, where.line)) return where;
  const Function* f = function_at(call);
  return f ? sched::Location{f->name, 0} : sched::Location{};
}

const char* caller_name(const void* return_address) {
  const void* call = call_of(return_address);
  const Function* f = call ? function_at(call) : nullptr;
  return f ? f->name : "";
}

}  // namespace weft::verifier
