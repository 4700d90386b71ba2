#include "weft/choose.h"

#include "engine_access.h"

namespace weft {

std::uint32_t choose(std::uint32_t n, source_location where) {
  sched::Execution* x = sched::Execution::active();
  if (!x || n <= 1) return 0;
  const std::uint32_t value = x->choose(n);
  // The trace shows the value where it was chosen.
  sched::Event& e = detail::record_op(*x, sched::OpKind::Nondet, {}, where);
  e.value_kind = sched::ValueKind::Unsigned;
  e.value = value;
  return value;
}

}  // namespace weft
