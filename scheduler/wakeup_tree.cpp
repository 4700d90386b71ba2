#include "scheduler/wakeup_tree.h"

namespace weft::sched {

namespace {
// consume moves `w` past a transition `u` that a branch runs first: if u is
// w's next step of its thread and could start w, it is taken out of w; if
// u's thread is not in w and u is independent of all of w, w stays as it
// is. Otherwise the branch does not lead to w (false).
bool consume(const Step& u, Sequence& w) {
  std::size_t at = 0;
  if (initial_of(w, u.thread, at)) {
    if (w[at].values != u.values) return false;
    w.erase(w.begin() + static_cast<std::ptrdiff_t>(at));
    return true;
  }
  for (const Step& s : w)
    if (dependent(u, s)) return false;
  return true;
}

// Result of looking for where `w` belongs below a node.
enum class Found : std::uint8_t { None, Covered, Inserted };

Found place(WakeupNode& node, ThreadId skip, const Sequence& w, std::size_t& count, std::size_t cap, bool is_root) {
  for (auto& child : node.children) {
    if (is_root && child->step.thread == skip) continue;
    Sequence rest = w;
    if (!consume(child->step, rest)) continue;
    const Found found = place(*child, skip, rest, count, cap, false);
    if (found != Found::None) return found;
  }
  // No branch below this node leads to w, but this node does: a leaf
  // already covers w (every execution through it is one w leads to).
  if (!is_root && node.children.empty()) return Found::Covered;
  if (w.empty()) return Found::Covered;
  WakeupNode* at = &node;
  const std::size_t n = count >= cap ? 1 : w.size();
  for (std::size_t i = 0; i < n; ++i) {
    auto next = std::make_unique<WakeupNode>();
    next->step = w[i];
    WakeupNode* raw = next.get();
    at->children.push_back(std::move(next));
    at = raw;
    ++count;
  }
  return Found::Inserted;
}
}  // namespace

bool initial_of(const Sequence& w, ThreadId p, std::size_t& at) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i].thread != p) continue;
    for (std::size_t k = 0; k < i; ++k)
      if (w[k].footprint.conflicts(w[i].footprint)) return false;
    at = i;
    return true;
  }
  return false;
}

bool weak_initial(const Sequence& w, const Step& step) {
  std::size_t at = 0;
  if (initial_of(w, step.thread, at)) return true;
  for (const Step& s : w)
    if (dependent(step, s)) return false;
  return true;
}

bool insert(WakeupNode& root, ThreadId current, Sequence w, std::size_t& count, std::size_t cap) {
  return place(root, current, w, count, cap, true) == Found::Inserted;
}

std::size_t size(const WakeupNode& root) noexcept {
  std::size_t n = 0;
  for (const auto& c : root.children) n += 1 + size(*c);
  return n;
}

}  // namespace weft::sched
