#include "checkers/lock_order.h"

#include <algorithm>

#include "scheduler/trace.h"

namespace weft::checkers {

using sched::ObjectKind;
using sched::ObjectRef;
using sched::OpKind;
using sched::ThreadId;

namespace {
constexpr std::uint64_t kSharedBit = std::uint64_t{1} << 40;
// kMaxSearch bounds the edges find_cycle tries, so a graph with many
// variants of the same edges cannot make the query slow.
constexpr std::size_t kMaxSearch = 200000;

std::uint64_t lock_key(ObjectRef r) noexcept { return LockOrderGraph::lock_key(r); }

// kRecent is how many of the running execution's latest edges acquire()
// compares with before it looks an edge up in the map.
constexpr std::ptrdiff_t kRecent = 16;

bool same_lock(ObjectRef a, ObjectRef b) noexcept { return a.kind == b.kind && a.index == b.index; }


// gates_overlap: could not both threads hold their gate sets at once?
// Both lists ascend by lock; a lock held shared by both separates nothing.
bool gates_overlap(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const std::uint64_t la = a[i] & ~kSharedBit, lb = b[j] & ~kSharedBit;
    if (la < lb) {
      ++i;
    } else if (lb < la) {
      ++j;
    } else {
      if (!((a[i] & kSharedBit) && (b[j] & kSharedBit))) return true;
      ++i;
      ++j;
    }
  }
  return false;
}

std::string site(sched::Location where) {
  if (!where.line) return "?";
  return std::string(sched::base_name(where.file)) + ":" + std::to_string(where.line);
}

// Search is the depth-first search of find_cycle over edges: a path of
// edges from `start`, every lock on it greater than `start` so each cycle
// is found once, from its least lock.
struct Search {
  const std::vector<LockEdge>& edges;
  const std::map<std::uint64_t, std::vector<std::size_t>>& out;
  std::uint64_t start = 0;
  std::vector<std::size_t> path;
  std::vector<std::uint64_t> on_path;  // locks the path passed through
  std::size_t tried = 0;

  bool fits(const LockEdge& e) const {
    const LockEdge& prev = edges[path.back()];
    if (prev.to_shared && e.from_shared) return false;  // reader waits for a reader
    for (std::size_t p : path) {
      const LockEdge& other = edges[p];
      if (other.thread == e.thread || gates_overlap(other.gates, e.gates)) return false;
    }
    return true;
  }

  bool extend() {
    const auto it = out.find(lock_key(edges[path.back()].to));
    if (it == out.end()) return false;
    for (std::size_t i : it->second) {
      if (++tried > kMaxSearch) return false;
      const LockEdge& e = edges[i];
      const std::uint64_t to = lock_key(e.to);
      if (to < start || !fits(e)) continue;
      if (to == start) {
        if (e.to_shared && edges[path.front()].from_shared) continue;
        path.push_back(i);
        return true;
      }
      if (std::find(on_path.begin(), on_path.end(), to) != on_path.end()) continue;
      path.push_back(i);
      on_path.push_back(to);
      if (extend()) return true;
      path.pop_back();
      on_path.pop_back();
    }
    return false;
  }
};
}  // namespace

void LockOrderGraph::begin(std::uint64_t index) {
  execution_ = index;
  std::fill(lock_ops_.begin(), lock_ops_.end(), 0u);
  naming_.clear();
  running_.edges.clear();
  running_.index.clear();
}

void LockOrderGraph::end() {
  if (running_.edges.empty()) return;
  std::sort(naming_.begin(), naming_.end());
  auto found = classes_.find(naming_);
  if (found == classes_.end()) {
    if (graphs_.size() >= kMaxClasses) return;
    found = classes_.emplace(naming_, graphs_.size()).first;
    graphs_.emplace_back();
  }
  for (const LockEdge& edge : running_.edges) add(graphs_[found->second], edge);
}

void LockOrderGraph::add(Graph& graph, const LockEdge& edge) {
  if (graph.edges.size() >= kMaxEdges) return;
  EdgeKey key{lock_key(edge.from), lock_key(edge.to), edge.from_shared, edge.to_shared, edge.thread, edge.gates};
  if (graph.index.count(key)) return;
  graph.index.emplace(std::move(key), graph.edges.size());
  graph.edges.push_back(edge);
}

void LockOrderGraph::acquired(ThreadId t, ObjectRef lock, bool shared, sched::Location where,
                              std::span<const HeldLock> held) {
  gates_.clear();
  for (const HeldLock& h : held) gates_.push_back(lock_key(h.lock) | (h.shared ? kSharedBit : 0));
  std::sort(gates_.begin(), gates_.end());
  for (const HeldLock& h : held) {
    // A loop takes the same locks again and again: look among the latest
    // edges first, which needs no allocation.
    const auto recent =
        running_.edges.size() > std::size_t{kRecent} ? running_.edges.end() - kRecent : running_.edges.begin();
    if (std::any_of(recent, running_.edges.end(), [&](const LockEdge& x) {
          return same_lock(x.from, h.lock) && same_lock(x.to, lock) && x.from_shared == h.shared &&
                 x.to_shared == shared && x.thread == t && x.gates == gates_;
        }))
      continue;
    LockEdge edge;
    edge.from = h.lock;
    edge.to = lock;
    edge.from_shared = h.shared;
    edge.to_shared = shared;
    edge.thread = t;
    edge.from_where = h.where;
    edge.to_where = where;
    edge.execution = execution_;
    edge.gates = gates_;
    add(running_, edge);
  }
}

std::optional<LockCycle> LockOrderGraph::find_cycle() const {
  std::size_t tried = 0;
  for (const Graph& graph : graphs_) {
    std::map<std::uint64_t, std::vector<std::size_t>> out;
    for (std::size_t i = 0; i < graph.edges.size(); ++i) out[lock_key(graph.edges[i].from)].push_back(i);
    Search search{graph.edges, out, 0, {}, {}, tried};
    for (const auto& [from, list] : out) {
      for (std::size_t first : list) {
        const LockEdge& e = graph.edges[first];
        if (lock_key(e.to) <= from) continue;
        search.start = from;
        search.path.assign(1, first);
        search.on_path.assign(1, lock_key(e.to));
        if (search.extend()) {
          LockCycle cycle;
          for (std::size_t i : search.path) {
            cycle.edges.push_back(graph.edges[i]);
            cycle.execution = std::max(cycle.execution, graph.edges[i].execution + 1);
          }
          return cycle;
        }
        if (search.tried > kMaxSearch) return std::nullopt;
      }
    }
    tried = search.tried;
  }
  return std::nullopt;
}

bool LockOrderGraph::closes_edge(const LockCycle& cycle, OpKind op, ObjectRef object, std::span<const HeldLock> held) {
  if (op != OpKind::Lock && op != OpKind::LockShared) return false;
  for (const LockEdge& e : cycle.edges) {
    if (!same_lock(e.to, object)) continue;
    for (const HeldLock& h : held)
      if (same_lock(h.lock, e.from)) return true;
  }
  return false;
}

std::string describe_cycle(const LockCycle& cycle, std::string_view note) {
  std::string out;
  for (const LockEdge& e : cycle.edges) out += sched::object_name(e.from) + " -> ";
  out += sched::object_name(cycle.edges.front().from) + " taken by ";
  for (std::size_t i = 0; i < cycle.edges.size(); ++i) {
    if (i) out += i + 1 == cycle.edges.size() ? " and " : ", ";
    out += "T" + std::to_string(cycle.edges[i].thread);
  }
  out += note;
  for (const LockEdge& e : cycle.edges) {
    out += "\n  T" + std::to_string(e.thread) + ": holds " + sched::object_name(e.from) +
           (e.from_shared ? " shared" : "") + " (" + site(e.from_where) + "), takes " + sched::object_name(e.to) +
           (e.to_shared ? " shared" : "") + " (" + site(e.to_where) + ")";
  }
  return out;
}

}  // namespace weft::checkers
