#include "table.h"

namespace weft::interpose {

Table& table_of(Execution& x) {
  void*& slot = x.extension();
  if (!slot) slot = x.arena().make<Table>();
  return *static_cast<Table*>(slot);
}

void Table::destroy(Execution& x, const void* address) {
  auto it = objects_.find(address);
  if (it == objects_.end()) return;
  Twin* twin = it->second;
  objects_.erase(it);
  deferred(x, [&] { twin->destroy(); });
}

void misuse(Execution& x, const std::string& what) {
  deferred(x, [&] { detail::misuse(x, detail::thread_name(x.current()) + " " + what, kNowhere); });
}

}  // namespace weft::interpose
