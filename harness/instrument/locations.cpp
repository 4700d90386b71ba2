#include "locations.h"

#include <cstdint>

#include "source_lines.h"
#include "symbols.h"

namespace weft::instrument {

sched::Location locate(const void* caller) {
  if (!caller) return {};
  sched::Location where;
  // The access's own line, or the program's call of the library function
  // inlined there (std::atomic's members, std::vector's): one look-up.
  if (detail::program_line(reinterpret_cast<std::uintptr_t>(caller) - 1, where.file, where.line)) return where;
  // Library code of its own (a member of std::atomic not inlined at -O0):
  // the program's frame that called into it.
  where = detail::program_location(caller);
  if (where.line) return where;
  // No line information at all: the function's name, from its symbols.
  return verifier::caller_location(caller);
}

}  // namespace weft::instrument
