#include "engine_access.h"

namespace weft::detail {

void misuse(Execution& x, std::string message, source_location where, bool later) {
  if (x.aborting()) return;
  if (later)
    x.fail_later(sched::Verdict::Misuse, std::move(message), at(where));
  else
    x.fail(sched::Verdict::Misuse, std::move(message), at(where));
}

bool never_ready(const void*, ThreadId) noexcept { return false; }

}  // namespace weft::detail
