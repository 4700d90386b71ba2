#include "scheduler/shared_sites.h"

#include <algorithm>

#include "scheduler/rng.h"

namespace weft::sched {

std::size_t SharedSites::Hash::operator()(const SiteKey& s) const noexcept {
  // The pointer only picks a bucket: nothing is chosen by iterating the set,
  // so its value (which differs between processes) changes no decision.
  return static_cast<std::size_t>(
      splitmix64(reinterpret_cast<std::uintptr_t>(s.file) ^ (std::uint64_t{s.line} << 8) ^ static_cast<std::uint8_t>(s.kind)));
}

void SharedSites::mark(const SiteKey& site) {
  if (set_.insert(site).second) list_.push_back(site);
}

bool SharedSites::note(ThreadId t, ObjectRef object, Location where) {
  if (object.kind == ObjectKind::None) return false;
  auto& entries = by_kind_[static_cast<unsigned>(object.kind) & 15];
  if (object.index >= entries.size()) entries.resize(object.index + 1);
  Entry& e = entries[object.index];
  const SiteKey site{where.file, where.line, object.kind};
  if (e.execution != execution_) {
    e.execution = execution_;
    e.first = t;
    e.shared = false;
    e.before.clear();
  }
  const bool known = std::find(e.before.begin(), e.before.end(), site) != e.before.end();
  if (e.shared) {
    if (!known) {
      mark(site);
      if (e.before.size() < kFirstSites) e.before.push_back(site);
    }
    return true;
  }
  if (e.first != t) {
    // A second thread: the object is shared, and so are the sites the
    // first one used on it.
    e.shared = true;
    for (const SiteKey& s : e.before) mark(s);
    mark(site);
    if (!known && e.before.size() < kFirstSites) e.before.push_back(site);
    return true;
  }
  if (!known && e.before.size() < kFirstSites) e.before.push_back(site);
  return set_.count(site) != 0;
}

}  // namespace weft::sched
