// A call the program makes through its PLT goes to the address in its GOT
// slot, which lazy binding fills in on the first call. For a function that
// nothing defines, that first call would end the process ("symbol lookup
// error"); writing a stub's address into the slot beforehand makes the call
// reach the stub instead. The slots lie in the program's writable segment,
// so ProgramImage's snapshot, taken after this, keeps the stubs.

#include "stubs.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <array>
#include <cstddef>
#include <utility>

#include "scheduler/execution.h"
#include "verifier_ops.h"

namespace weft::program {

namespace {

constexpr std::size_t kStubs = 64;

// A stub knows nothing of the function it stands for: whatever arguments it
// was given, it returns a nondet value in the return register, which is what
// a caller expecting an integer or a pointer reads.
template <std::size_t I>
long stub() {
  return sched::Execution::active() ? verifier::nondet_long(__builtin_return_address(0)) : 0L;
}

template <std::size_t... I>
constexpr std::array<long (*)(), sizeof...(I)> make_stubs(std::index_sequence<I...>) {
  return {&stub<I>...};
}

constexpr auto kStubTable = make_stubs(std::make_index_sequence<kStubs>{});

#if defined(__x86_64__)
constexpr unsigned kJumpSlot = R_X86_64_JUMP_SLOT;
#elif defined(__aarch64__)
constexpr unsigned kJumpSlot = R_AARCH64_JUMP_SLOT;
#else
constexpr unsigned kJumpSlot = 0;
#endif

}  // namespace

std::vector<std::string> stub_undefined_functions(void* handle, std::string& error) {
  std::vector<std::string> names;
  if (kJumpSlot == 0) {
    error = "stubbing undefined functions is not supported on this platform";
    return names;
  }
  const link_map* object = nullptr;
  if (::dlinfo(handle, RTLD_DI_LINKMAP, &object) != 0 || !object) {
    error = std::string("cannot read the program's dynamic section: ") + ::dlerror();
    return names;
  }
  const ElfW(Addr) base = object->l_addr;
  // The loader may have relocated the dynamic section's addresses in place.
  const auto address = [base](ElfW(Addr) a) { return a < base ? a + base : a; };
  const ElfW(Rela)* relocations = nullptr;
  std::size_t relocation_bytes = 0;
  const ElfW(Sym)* symbols = nullptr;
  const char* strings = nullptr;
  for (const ElfW(Dyn)* d = object->l_ld; d->d_tag != DT_NULL; ++d) {
    if (d->d_tag == DT_JMPREL) relocations = reinterpret_cast<const ElfW(Rela)*>(address(d->d_un.d_ptr));
    if (d->d_tag == DT_PLTRELSZ) relocation_bytes = d->d_un.d_val;
    if (d->d_tag == DT_SYMTAB) symbols = reinterpret_cast<const ElfW(Sym)*>(address(d->d_un.d_ptr));
    if (d->d_tag == DT_STRTAB) strings = reinterpret_cast<const char*>(address(d->d_un.d_ptr));
  }
  if (!relocations || !symbols || !strings) return names;
  for (std::size_t i = 0; i < relocation_bytes / sizeof(ElfW(Rela)); ++i) {
    const ElfW(Rela)& r = relocations[i];
    if (ELF64_R_TYPE(r.r_info) != kJumpSlot) continue;
    const ElfW(Sym)& s = symbols[ELF64_R_SYM(r.r_info)];
    if (s.st_shndx != SHN_UNDEF || ELF64_ST_BIND(s.st_info) == STB_WEAK) continue;
    const char* name = strings + s.st_name;
    if (::dlsym(RTLD_DEFAULT, name) || ::dlsym(handle, name)) continue;
    if (names.size() == kStubs) {
      error = "the program calls more than " + std::to_string(kStubs) + " functions nothing defines (" + name + ", ...)";
      return {};
    }
    *reinterpret_cast<void**>(base + r.r_offset) = reinterpret_cast<void*>(kStubTable[names.size()]);
    names.emplace_back(name);
  }
  return names;
}

}  // namespace weft::program
