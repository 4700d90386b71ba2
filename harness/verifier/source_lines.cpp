#include "source_lines.h"

#if WEFT_HAVE_LIBDW
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "scheduler/execution.h"
#endif

namespace weft::verifier {

#if WEFT_HAVE_LIBDW

namespace {

struct SourceLine {
  const char* file = nullptr;  // null: none known
  unsigned line = 0;
};

// Lines caches what libdw said about each address, with the session that
// says it. Process-wide for the same reason as the symbol registry: the C
// entry points carry no context.
class Lines {
 public:
  Lines() {
    callbacks_.find_elf = dwfl_linux_proc_find_elf;
    callbacks_.find_debuginfo = dwfl_standard_find_debuginfo;
    callbacks_.section_address = nullptr;
    callbacks_.debuginfo_path = nullptr;
    session_ = dwfl_begin(&callbacks_);
    report();
  }
  Lines(const Lines&) = delete;
  Lines& operator=(const Lines&) = delete;
  ~Lines() {
    if (session_) dwfl_end(session_);
  }

  SourceLine at(std::uintptr_t pc) {
    const std::lock_guard<std::mutex> hold(guard_);
    auto [it, added] = cache_.try_emplace(pc);
    if (added) it->second = look_up(pc);
    return it->second;
  }

 private:
  // report tells the session which objects are loaded now.
  void report() {
    if (!session_) return;
    dwfl_report_begin(session_);
    dwfl_linux_proc_report(session_, ::getpid());
    dwfl_report_end(session_, nullptr, nullptr);
  }

  SourceLine look_up(std::uintptr_t pc) {
    if (!session_) return {};
    Dwfl_Module* module = dwfl_addrmodule(session_, pc);
    if (!module) {  // loaded after the session last looked
      report();
      module = dwfl_addrmodule(session_, pc);
    }
    if (!module) return {};
    int line = 0;
    const char* file = nullptr;
    if (Dwfl_Line* found = dwfl_module_getsrc(module, pc))
      file = dwfl_lineinfo(found, nullptr, &line, nullptr, nullptr, nullptr);
    else
      file = by_compile_units(module, pc, line);
    if (!file || line <= 0) return {};
    return {files_.emplace_back(file).c_str(), static_cast<unsigned>(line)};
  }

  // by_compile_units finds the line through the compile unit that covers
  // `pc`: libdw's look-up above needs .debug_aranges, which clang does not
  // emit unless asked to (-gdwarf-aranges).
  static const char* by_compile_units(Dwfl_Module* module, std::uintptr_t pc, int& line) {
    Dwarf_Addr bias = 0;
    for (Dwarf_Die* cu = dwfl_module_nextcu(module, nullptr, &bias); cu; cu = dwfl_module_nextcu(module, cu, &bias)) {
      if (dwarf_haspc(cu, pc - bias) <= 0) continue;
      Dwarf_Line* found = dwarf_getsrc_die(cu, pc - bias);
      if (!found || dwarf_lineno(found, &line) != 0) return nullptr;
      return dwarf_linesrc(found, nullptr, nullptr);
    }
    return nullptr;
  }

  std::mutex guard_;
  Dwfl_Callbacks callbacks_{};
  Dwfl* session_ = nullptr;
  std::unordered_map<std::uintptr_t, SourceLine> cache_;
  std::deque<std::string> files_;
};

}  // namespace

bool source_line(std::uintptr_t pc, const char*& file, unsigned& line) {
  // libdw takes pthread locks of its own, and so do the guard of `lines`
  // and the lock of its cache: none of them is the program's.
  const sched::Execution::Uncontrolled weft_itself;
  static Lines lines;
  const SourceLine found = lines.at(pc);
  if (!found.file) return false;
  file = found.file;
  line = found.line;
  return true;
}

#else

bool source_line(std::uintptr_t, const char*&, unsigned&) { return false; }

#endif

}  // namespace weft::verifier
