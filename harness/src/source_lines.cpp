#include "source_lines.h"

#include <unwind.h>

#include <cstdlib>
#include <cstring>

#include "checkers/escape_checker.h"
#include "scheduler/execution.h"

#if WEFT_HAVE_LIBDW
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#endif

namespace weft::detail {

bool library_file(const char* path) noexcept {
  if (!path || !*path) return true;
  // The C++ standard library's headers: libstdc++'s (/usr/include/c++/12,
  // /usr/include/x86_64-linux-gnu/c++/12) and libc++'s (.../include/c++/v1).
  if (std::strstr(path, "/include/c++/") || std::strstr(path, "-linux-gnu/c++/")) return true;
  // weft's own: its installed headers, Boost.Context's (the entry frame of
  // every weft thread comes from them), and its sources where it was built.
  if (std::strstr(path, "/include/weft/") || std::strstr(path, "/boost/context/")) return true;
#ifdef WEFT_SOURCE_DIR
  static constexpr const char* kOwn[] = {WEFT_SOURCE_DIR "/harness/", WEFT_SOURCE_DIR "/scheduler/",
                                         WEFT_SOURCE_DIR "/checkers/"};
  for (const char* own : kOwn)
    if (std::strncmp(path, own, std::strlen(own)) == 0) return true;
#endif
  return false;
}

#if WEFT_HAVE_LIBDW

namespace {

struct SourceLine {
  const char* file = nullptr;  // null: none known
  unsigned line = 0;
};

// Lines caches what libdw said about each address, with the session that
// says it. Process-wide: the code that asks carries no context.
class Lines {
 public:
  Lines() {
    callbacks_.find_elf = dwfl_linux_proc_find_elf;
    // Only the debug information built into each object (-g): the separate
    // files of the system's libraries (Debian's libc6-dbg, which valgrind
    // pulls in) describe code whose lines weft never reports as the
    // program's, and inflating libc's took a tenth of a second of every
    // process that explores (98% of a one-test run).
    callbacks_.find_debuginfo = [](Dwfl_Module*, void**, const char*, Dwarf_Addr, const char*, const char*,
                                   GElf_Word, char**) { return -1; };
    callbacks_.section_address = nullptr;
    callbacks_.debuginfo_path = nullptr;
  }
  Lines(const Lines&) = delete;
  Lines& operator=(const Lines&) = delete;
  ~Lines() {
    if (session_) dwfl_end(session_);
  }

  SourceLine at(std::uintptr_t pc) {
    const std::lock_guard<std::mutex> hold(guard_);
    auto [it, added] = lines_.try_emplace(pc);
    if (added) it->second = on_big_stack(pc, false);
    return it->second;
  }

  SourceLine program_at(std::uintptr_t pc) {
    const std::lock_guard<std::mutex> hold(guard_);
    auto [it, added] = program_lines_.try_emplace(pc);
    if (added) it->second = on_big_stack(pc, true);
    return it->second;
  }

  void open_all() {
    const std::lock_guard<std::mutex> hold(guard_);
    if (opened_) return;
    opened_ = true;
    std::thread([&] {
      checkers::EscapeChecker::own_thread();
      if (!session_) {
        session_ = dwfl_begin(&callbacks_);
        report();
      }
      if (!session_) return;
      dwfl_getmodules(
          session_,
          [](Dwfl_Module* module, void**, const char*, Dwarf_Addr, void*) {
            Dwarf_Addr bias = 0;
            (void)dwfl_module_getdwarf(module, &bias);
            return static_cast<int>(DWARF_CB_OK);
          },
          nullptr, 0);
    }).join();
  }

 private:
  // on_big_stack looks `pc` up on an OS thread of its own: libdw reads a
  // line table with a few hundred KiB of arrays on the stack, more than a
  // weft thread's fiber stack or the signal stack of a crash report holds.
  // Only the first look-up of an address pays for the thread.
  SourceLine on_big_stack(std::uintptr_t pc, bool program_only) {
    SourceLine found;
    std::thread([&] {
      checkers::EscapeChecker::own_thread();
      if (!session_) {
        session_ = dwfl_begin(&callbacks_);
        report();
      }
      found = look_up(pc, program_only);
    }).join();
    return found;
  }

  // report tells the session which objects are loaded now.
  void report() {
    if (!session_) return;
    dwfl_report_begin(session_);
    dwfl_linux_proc_report(session_, ::getpid());
    dwfl_report_end(session_, nullptr, nullptr);
  }

  SourceLine look_up(std::uintptr_t pc, bool program_only) {
    if (!session_) return {};
    Dwfl_Module* module = dwfl_addrmodule(session_, pc);
    if (!module) {  // loaded after the session last looked
      report();
      module = dwfl_addrmodule(session_, pc);
    }
    if (!module) return {};
    Dwarf_Addr bias = 0;
    Dwarf_Die* cu = compile_unit(module, pc, bias);
    int line = 0;
    const char* file = nullptr;
    if (Dwfl_Line* found = dwfl_module_getsrc(module, pc)) {
      file = dwfl_lineinfo(found, nullptr, &line, nullptr, nullptr, nullptr);
    } else if (cu) {
      if (Dwarf_Line* l = dwarf_getsrc_die(cu, pc - bias); l && dwarf_lineno(l, &line) == 0)
        file = dwarf_linesrc(l, nullptr, nullptr);
    }
    if (!file || line <= 0) return {};
    if (!program_only || !library_file(file)) return keep(file, line);
    if (!cu) return {};
    // The code is the library's: the call sites of the functions inlined
    // here, innermost first, may be the program's.
    // dwarf_getscopes gives the innermost inlined instance and then the
    // scopes of its abstract origin; the instances it is inlined into come
    // from the instance's own containing scopes.
    Dwarf_Die* innermost = nullptr;
    Dwarf_Die* scopes = nullptr;
    int n = dwarf_getscopes(cu, pc - bias, &innermost);
    if (n > 0) n = dwarf_getscopes_die(&innermost[0], &scopes);
    std::free(innermost);
    SourceLine found{};
    Dwarf_Files* files = nullptr;
    std::size_t file_count = 0;
    if (n > 0 && dwarf_getsrcfiles(cu, &files, &file_count) == 0) {
      for (int i = 0; i < n && !found.file; ++i) {
        if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine) continue;
        Dwarf_Attribute attribute;
        Dwarf_Word index = 0, call_line = 0;
        if (!dwarf_attr(&scopes[i], DW_AT_call_file, &attribute) || dwarf_formudata(&attribute, &index) != 0) continue;
        if (!dwarf_attr(&scopes[i], DW_AT_call_line, &attribute) || dwarf_formudata(&attribute, &call_line) != 0)
          continue;
        const char* call_file = index < file_count ? dwarf_filesrc(files, index, nullptr, nullptr) : nullptr;
        if (call_file && call_line > 0 && !library_file(call_file)) found = keep(call_file, static_cast<int>(call_line));
      }
    }
    std::free(scopes);
    return found;
  }

  // compile_unit is the unit whose code covers `pc`: libdw's look-up needs
  // .debug_aranges, which clang does not emit unless asked to
  // (-gdwarf-aranges), so the units are searched when it fails.
  static Dwarf_Die* compile_unit(Dwfl_Module* module, std::uintptr_t pc, Dwarf_Addr& bias) {
    if (Dwarf_Die* cu = dwfl_module_addrdie(module, pc, &bias)) return cu;
    for (Dwarf_Die* cu = dwfl_module_nextcu(module, nullptr, &bias); cu; cu = dwfl_module_nextcu(module, cu, &bias))
      if (dwarf_haspc(cu, pc - bias) > 0) return cu;
    return nullptr;
  }

  SourceLine keep(const char* file, int line) { return {files_.emplace_back(file).c_str(), static_cast<unsigned>(line)}; }

  std::mutex guard_;
  Dwfl_Callbacks callbacks_{};
  Dwfl* session_ = nullptr;
  bool opened_ = false;  // open_all ran
  std::unordered_map<std::uintptr_t, SourceLine> lines_;
  std::unordered_map<std::uintptr_t, SourceLine> program_lines_;
  std::deque<std::string> files_;
};

// lines is the process's cache; libdw takes pthread locks of its own, and
// so do the guard of `lines` and the lock of its cache: none of them is the
// program's.
Lines& lines();
}  // namespace

void open_line_tables() { lines().open_all(); }

namespace {
Lines& lines() {
  static Lines the_lines;
  return the_lines;
}

}  // namespace

bool source_line(std::uintptr_t pc, const char*& file, unsigned& line) {
  const sched::Execution::Uncontrolled weft_itself;
  const SourceLine found = lines().at(pc);
  if (!found.file) return false;
  file = found.file;
  line = found.line;
  return true;
}

bool program_line(std::uintptr_t pc, const char*& file, unsigned& line) {
  const sched::Execution::Uncontrolled weft_itself;
  const SourceLine found = lines().program_at(pc);
  if (!found.file) return false;
  file = found.file;
  line = found.line;
  return true;
}

#else

bool source_line(std::uintptr_t, const char*&, unsigned&) { return false; }
bool program_line(std::uintptr_t, const char*&, unsigned&) { return false; }

#endif

namespace {
struct Walk {
  static constexpr int kDepth = 64;
  std::uintptr_t pcs[kDepth];
  int count = 0;
};

_Unwind_Reason_Code note_frame(_Unwind_Context* context, void* arg) {
  auto& w = *static_cast<Walk*>(arg);
  if (w.count == Walk::kDepth) return _URC_END_OF_STACK;
  w.pcs[w.count++] = _Unwind_GetIP(context);
  return _URC_NO_REASON;
}
}  // namespace

sched::Location program_location(const void* from) {
  const sched::Execution::Uncontrolled weft_itself;  // the unwinder's locks, libdw's
  Walk w;
  _Unwind_Backtrace(&note_frame, &w);
  int first = 0;
  if (from)
    for (int i = 0; i < w.count; ++i)
      if (w.pcs[i] == reinterpret_cast<std::uintptr_t>(from)) {
        first = i;
        break;
      }
  // Each is a return address: the call is the instruction before it.
  for (int i = first; i < w.count; ++i) {
    sched::Location where;
    if (w.pcs[i] && program_line(w.pcs[i] - 1, where.file, where.line)) return where;
  }
  return {};
}

}  // namespace weft::detail
