#include "engine_access.h"

#include "source_lines.h"

namespace weft::detail {

void misuse(Execution& x, std::string message, source_location where, bool later) {
  // A process being killed (or crashing, or exiting) tears down what it
  // has wherever its threads are: what it then finds wrong is not the
  // program's misuse.
  if (x.aborting() || x.death_of(x.process_of(x.current())) != sched::Death::None) return;
  if (later)
    x.fail_later(sched::Verdict::Misuse, std::move(message), at(where));
  else
    x.fail(sched::Verdict::Misuse, std::move(message), at(where));
}

bool never_ready(const void*, ThreadId) noexcept { return false; }

sched::Location program_location_of(source_location where) {
  if (where.line != 0 && !library_file(where.file)) return {where.file, where.line};
  const sched::Location found = program_location();
  return found.line ? found : sched::Location{where.file, where.line};
}

}  // namespace weft::detail
