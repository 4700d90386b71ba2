#pragma once
// Lock-order graph: across all executions of one exploration, which lock a
// thread held while it acquired another. A cycle in that graph is a
// potential deadlock even when no explored schedule deadlocked (the
// "goodlock" idea; Havelund 2000, Bensalem & Havelund 2005, and the
// iGoodlock conditions of Joshi et al. 2009).
//
// Locks are named per execution in first-use order ("mutex#1"). That order
// can change with the schedule (whichever thread locks first names its lock
// mutex#1), so a name means the same lock only in executions that named
// their locks alike. The graph is therefore split into classes of
// executions with the same naming signature: for each lock name, the
// thread of its first operation, how many operations on locks that thread
// had made before it, and its site. Edges of executions of one
// class share one graph, keyed by lock name; a cycle is sought within a
// class. (Executions that name their locks differently are not combined:
// a cycle whose edges only appear in differently named executions is
// missed rather than invented.) An edge a -> b records the thread, both
// acquisition sites and its gate set: every lock the thread held when it
// took b (a included).
//
// What counts:
//   - a blocking acquisition (mutex lock, the re-lock after a condvar wait,
//     shared_mutex lock or lock_shared) adds an edge from every lock the
//     thread holds;
//   - try_lock and timed locks (OpKind::TryLock, TryLockShared) add no edge
//     to the lock they take: they fail or time out instead of blocking, so
//     they cannot close a deadlock; the lock they took is held, and edges
//     from it count;
//   - re-locking a recursive mutex the thread holds adds nothing.
// A cycle is reported only if it could deadlock:
//   - its edges come from pairwise different threads;
//   - its edges' gate sets are pairwise disjoint (two threads that both
//     held gate G cannot both be inside the cycle at once), where a lock
//     both threads held shared does not separate them;
//   - at each lock of the cycle, the holder's and the waiter's modes
//     conflict: a reader waiting for a lock another thread holds shared
//     does not block (weft's shared_mutex admits readers while no writer
//     holds it).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "checkers/held_locks.h"
#include "scheduler/event.h"

namespace weft::checkers {

// LockEdge is one way a thread took `to` while holding `from`.
struct LockEdge {
  sched::ObjectRef from;
  sched::ObjectRef to;
  bool from_shared = false;  // `from` was held shared
  bool to_shared = false;    // `to` was taken shared
  sched::ThreadId thread = 0;
  sched::Location from_where;  // where the thread took `from`
  sched::Location to_where;    // where it took `to`
  std::uint64_t execution = 0;  // 0-based index of the execution that first showed it
  // gates: every lock held while `to` was taken (`from` included), each as
  // lock_key(ref) | kSharedBit when held shared; ascending.
  std::vector<std::uint64_t> gates;
};

// LockCycle is a potential deadlock: edges e0 .. en-1 with ei.to == ei+1.from
// and en-1.to == e0.from, in pairwise different threads.
struct LockCycle {
  std::vector<LockEdge> edges;
  // execution: 1-based number of the execution in which the last of its
  // edges was first seen.
  std::uint64_t execution = 0;
};

// LockOrderGraph builds the graph from what the locks tell it. begin()
// forgets the locks held in the previous execution but keeps the graph.
class LockOrderGraph {
 public:
  // kMaxEdges bounds the distinct edges kept per class; kMaxClasses the
  // naming classes. Edges beyond either bound are dropped.
  static constexpr std::size_t kMaxEdges = 4096;
  static constexpr std::size_t kMaxClasses = 256;

  // begin starts execution number `index` (0-based).
  void begin(std::uint64_t index);
  // lock_op: thread `t` made an operation on `lock` at `where` (a lock, a
  // try, an unlock, failed or not), for the naming signature; `named` is
  // the lock's own flag, false until its first operation in the execution.
  void lock_op(sched::ThreadId t, sched::ObjectRef lock, bool& named, sched::Location where) {
    if (t >= lock_ops_.size()) lock_ops_.resize(t + 1, 0);
    if (!named) {
      named = true;
      naming_.emplace_back(lock_key(lock), t, lock_ops_[t], reinterpret_cast<std::uintptr_t>(where.file),
                           where.line);
    }
    ++lock_ops_[t];
  }
  // acquired: `t` took `lock` (shared or not) at `where` by an acquisition
  // that waits while holding `held`, the locks it held before (not empty);
  // not called for a recursive re-lock.
  void acquired(sched::ThreadId t, sched::ObjectRef lock, bool shared, sched::Location where,
                std::span<const HeldLock> held);

  // lock_key is a lock's key in the graph: its kind and index.
  static std::uint64_t lock_key(sched::ObjectRef r) noexcept {
    return (static_cast<std::uint64_t>(r.kind) << 32) | r.index;
  }
  // end adds the execution's edges to its naming class's graph.
  void end();

  // find_cycle returns the first potential deadlock in the graph, if any.
  // The search is deterministic and bounded (see lock_order.cpp).
  std::optional<LockCycle> find_cycle() const;

  // closes_edge says whether thread `t`, about to perform `op` on `object`
  // while holding `held`, would take the second lock of one of `cycle`'s
  // edges while holding the edge's first lock (for steering).
  static bool closes_edge(const LockCycle& cycle, sched::OpKind op, sched::ObjectRef object,
                          std::span<const HeldLock> held);

 private:
  using EdgeKey = std::tuple<std::uint64_t, std::uint64_t, bool, bool, sched::ThreadId, std::vector<std::uint64_t>>;
  // Naming is one entry of a naming signature: a lock, and the thread, the
  // thread's count of earlier operations on locks and the site of the
  // lock's first operation.
  using Naming = std::tuple<std::uint64_t, sched::ThreadId, std::uint32_t, std::uintptr_t, unsigned>;
  // Graph is the edges of one naming class, in the order first seen.
  struct Graph {
    std::vector<LockEdge> edges;
    std::map<EdgeKey, std::size_t> index;  // edge key -> position in edges
  };

  static void add(Graph& graph, const LockEdge& edge);

  std::uint64_t execution_ = 0;
  std::vector<Naming> naming_;           // of the running execution, by first event
  std::vector<std::uint32_t> lock_ops_;  // per thread: its operations on locks so far
  std::vector<std::uint64_t> gates_;     // scratch for acquired()
  Graph running_;                        // edges of the running execution
  std::vector<Graph> graphs_;            // one per naming class, in the order first seen
  std::map<std::vector<Naming>, std::size_t> classes_;  // sorted signature -> graphs_ index
};

// describe_cycle is the cycle's locks and threads, then `note`, then one
// line per edge with both acquisition sites:
//   "mutex#1 -> mutex#2 -> mutex#1 taken by T1 and T2<note>
//     T1: holds mutex#1 (a.cpp:10), takes mutex#2 (a.cpp:11)
//     T2: holds mutex#2 (b.cpp:20), takes mutex#1 (b.cpp:21)"
std::string describe_cycle(const LockCycle& cycle, std::string_view note);

}  // namespace weft::checkers
