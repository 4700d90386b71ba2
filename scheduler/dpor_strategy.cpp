#include "scheduler/dpor_strategy.h"

#include <algorithm>

#include "scheduler/execution.h"

namespace weft::sched {

struct DporStrategy::Node {
  bool decision = true;
  std::uint64_t step = 0;
  // A decision among threads:
  ThreadId chosen = 0;
  std::vector<ThreadId> runnable;   // ascending, as first reached
  std::vector<Sleeper> sleep;       // asleep on arrival, then every branch explored here
  WakeupNode* tree = nullptr;       // its planned branches are tree->children
  std::unique_ptr<WakeupNode> own;  // the tree, unless it is part of an ancestor's (a planned sequence)
  Footprint chosen_footprint;       // what `chosen` touched from here, over all its value choices
  bool upper = false;               // above the shard frontier: every thread is a branch
  std::vector<ThreadId> options;    // upper: the threads still to explore
  // A value choice:
  std::uint32_t bound = 0;
  std::uint32_t limit = 0;          // values explored: [0, limit)
  std::uint32_t value = 0;
};

namespace {
WakeupNode* match(WakeupNode* at, ThreadId thread, const std::vector<std::uint32_t>& values) {
  for (auto& c : at->children)
    if (c->step.thread == thread && c->step.values == values) return c.get();
  return nullptr;
}

Step step_of(const Transition& t) { return Step{t.thread, t.values, t.footprint}; }
}  // namespace

DporStrategy::DporStrategy(const Execution& execution, std::uint32_t shard, std::uint32_t shards)
    : Search(shard, shards), execution_(execution) {}

DporStrategy::~DporStrategy() = default;

bool DporStrategy::asleep(ThreadId t) const noexcept {
  return std::any_of(sleep_.begin(), sleep_.end(), [t](const Sleeper& s) { return s.thread == t; });
}

void DporStrategy::drop_children(WakeupNode& tree, ThreadId thread) {
  auto& c = tree.children;
  for (auto it = c.begin(); it != c.end();) {
    if ((*it)->step.thread == thread) {
      wakeup_nodes_ -= std::min(wakeup_nodes_, 1 + size(**it));
      it = c.erase(it);
    } else {
      ++it;
    }
  }
}

DporStrategy::Node& DporStrategy::new_node(bool decision) {
  path_.push_back(std::make_unique<Node>());
  Node& n = *path_.back();
  n.decision = decision;
  return n;
}

void DporStrategy::begin(std::uint64_t) {
  begin_run();
  running_ = true;
  trace_.clear();
  fresh_from_ = path_.empty() ? 0 : UINT32_MAX;
  at_ = 0;
  sleep_.clear();
  follow_ = nullptr;
  sections_.clear();
  extend_.clear();
  in_sections_ = 0;
  pruned_ = Prune::None;
  redundant_ = false;
  claimed_ = false;
  run_ = Run::Explored;
}

void DporStrategy::prune(Prune why) {
  pruned_ = why;
  throw Pruned{};
}

void DporStrategy::open(ThreadId thread, std::uint64_t step, std::int32_t node, const std::vector<ThreadId>& enabled) {
  trace_.open(thread, step, node, enabled, in_sections_ == 0);
}

void DporStrategy::ensure_open(ThreadId thread, std::uint64_t step) {
  if (trace_.is_open()) {
    const Transition& t = trace_.current();
    if (t.thread == thread && t.step == step) return;
    // An atomic section is one transition, whatever steps it spans.
    if (t.thread == thread && thread < sections_.size() && sections_[thread] > 0) return;
    close();
  }
  open(thread, step, -1, std::vector<ThreadId>{thread});
}

void DporStrategy::close() {
  const std::uint32_t j = trace_.close();
  const Transition& t = trace_[j];
  if (asleep(t.thread)) redundant_ = true;
  std::erase_if(sleep_, [&t](const Sleeper& s) { return s.thread == t.thread || s.footprint.conflicts(t.footprint); });
  // A transition that touched nothing (a thread's start) does not stand for
  // its thread asleep: what the thread does next does, so it joins the
  // footprint of the decision that chose the empty one.
  const bool empty = t.footprint.accesses().empty() && !t.footprint.global();
  if (t.thread < extend_.size() && extend_[t.thread] >= 0) {
    path_[static_cast<std::size_t>(extend_[t.thread])]->chosen_footprint.merge(t.footprint);
    if (!empty) extend_[t.thread] = -1;
  }
  if (t.node >= 0 && empty) {
    if (t.thread >= extend_.size()) extend_.resize(t.thread + 1, -1);
    extend_[t.thread] = t.node;
  }
  if (t.node >= 0) {
    Node& n = *path_[static_cast<std::size_t>(t.node)];
    n.chosen_footprint.merge(t.footprint);
    follow_ = match(n.tree, t.thread, t.values);
  } else if (follow_) {
    follow_ = match(follow_, t.thread, t.values);
  }
}

ThreadId DporStrategy::choose_new(Node& n, const Decision& d) {
  (void)d;
  if (n.upper) {
    for (ThreadId t : n.runnable)
      if (!asleep(t)) n.options.push_back(t);
    if (n.options.empty()) return kNoThread;
    const ThreadId first = n.options.front();
    n.options.erase(n.options.begin());
    return first;
  }
  // The planned branches first: a sequence that reverses a race.
  auto& planned = n.tree->children;
  while (!planned.empty()) {
    const ThreadId t = planned.front()->step.thread;
    if (std::binary_search(n.runnable.begin(), n.runnable.end(), t) && !asleep(t)) return t;
    wakeup_nodes_ -= std::min(wakeup_nodes_, 1 + size(*planned.front()));
    planned.erase(planned.begin());
  }
  for (ThreadId t : n.runnable)
    if (!asleep(t)) return t;
  return kNoThread;
}

ThreadId DporStrategy::pick_thread(const Decision& d) {
  if (trace_.is_open()) close();
  if (redundant_) prune(Prune::Redundant);
  std::vector<ThreadId> runnable(d.runnable.begin(), d.runnable.end());
  std::sort(runnable.begin(), runnable.end());
  if (at_ < path_.size()) {
    Node& n = *path_[at_];
    if (!n.decision || !d.can_run(n.chosen)) {
      note_diverged();
      prune(Prune::Diverged);
    }
    if (at_ == resume_) fresh_from_ = trace_.size();
    // Replayed through its frontier node, the execution is this shard's.
    if (sharded() && at_ == frontier_depth()) claimed_ = true;
    sleep_ = n.sleep;
    open(n.chosen, d.step, static_cast<std::int32_t>(at_), runnable);
    ++at_;
    return n.chosen;
  }
  if (sharded() && at_ == frontier_depth()) {
    if (!claim()) prune(Prune::Foreign);
    claimed_ = true;
  }
  auto node = std::make_unique<Node>();
  Node& n = *node;
  n.step = d.step;
  n.runnable = std::move(runnable);
  n.sleep = sleep_;
  n.upper = at_ < frontier_depth();
  if (!n.upper && follow_) {
    n.tree = follow_;
  } else {
    n.own = std::make_unique<WakeupNode>();
    n.tree = n.own.get();
  }
  const ThreadId chosen = choose_new(n, d);
  // Every thread that could run here is asleep: whatever this execution
  // did next, an explored one did already.
  if (chosen == kNoThread) prune(Prune::Redundant);
  n.chosen = chosen;
  path_.push_back(std::move(node));
  open(chosen, d.step, static_cast<std::int32_t>(at_), n.runnable);
  ++at_;
  return chosen;
}

std::uint32_t DporStrategy::pick_value(std::uint32_t bound, std::uint64_t step) {
  ensure_open(execution_.current(), step);
  if (redundant_) prune(Prune::Redundant);
  std::uint32_t value = 0;
  if (at_ < path_.size()) {
    Node& n = *path_[at_];
    if (n.decision || n.bound != bound) {
      note_diverged();
      prune(Prune::Diverged);
    }
    if (at_ == resume_) fresh_from_ = trace_.size() - 1;
    if (sharded() && at_ == frontier_depth()) claimed_ = true;
    value = n.value;
  } else {
    if (sharded() && at_ == frontier_depth()) {
      if (!claim()) prune(Prune::Foreign);
      claimed_ = true;
    }
    Node& n = new_node(false);
    n.step = step;
    n.bound = bound;
    n.limit = limit_of(bound);
  }
  ++at_;
  trace_.current().values.push_back(value);
  return value;
}

std::uint32_t DporStrategy::pick_rare(std::uint32_t bound, std::uint64_t step) {
  if (!rare_allowed()) {
    ensure_open(execution_.current(), step);
    trace_.current().values.push_back(0);
    return 0;
  }
  const std::uint32_t value = pick_value(bound, step);
  if (value != 0) spend_rare();
  return value;
}

void DporStrategy::on_start(Execution&, ThreadId) {}

void DporStrategy::on_record(Execution& execution, const Event& event) {
  // What threads record while they unwind (after a failure, a prune or a
  // discard) is not part of the execution.
  if (execution.aborting() || !running_) return;
  ensure_open(event.thread, event.step);
  const Op op = op_of(event, execution.identity_of(event.object));
  Transition& t = trace_.current();
  t.ops.push_back(op);
  add_to(t.footprint, op);
  if (event.op == OpKind::Spawn && event.peer != kNoThread) trace_.spawned(event.peer);
  if (event.op == OpKind::AtomicBegin || event.op == OpKind::AtomicEnd) {
    if (event.thread >= sections_.size()) sections_.resize(event.thread + 1, 0);
    std::uint32_t& depth = sections_[event.thread];
    if (event.op == OpKind::AtomicBegin) {
      if (depth++ == 0) ++in_sections_;
    } else if (depth > 0 && --depth == 0) {
      --in_sections_;
    }
  }
}

void DporStrategy::end(std::uint64_t) {
  running_ = false;
  if (trace_.is_open()) close();
  if (pruned_ == Prune::None && at_ < path_.size()) {
    note_diverged();
    pruned_ = Prune::Diverged;
  }
  switch (pruned_) {
    case Prune::Redundant: run_ = Run::Redundant; break;
    case Prune::Foreign: run_ = Run::Foreign; break;
    case Prune::Diverged: run_ = Run::Diverged; break;
    case Prune::None: run_ = redundant_ ? Run::Redundant : Run::Explored; break;
  }
  // An execution that ended above the frontier is a leaf of the part every
  // shard explores: it belongs to one of them.
  if (sharded() && !claimed_ && (run_ == Run::Explored || run_ == Run::Redundant) && !claim()) run_ = Run::Foreign;
  // Once a transition dependent with everything was seen, a class may be
  // run again (a thread put to sleep wakes at such a transition, in this
  // execution or one explored later); from then on every explored class is
  // kept, and a repeat counts as redundant.
  if (trace_.has_global()) seen_global_ = true;
  if (run_ == Run::Explored && seen_global_ && !explored_classes_.insert(trace_.fingerprint()).second)
    run_ = Run::Redundant;
  if (run_ == Run::Explored || run_ == Run::Redundant) analyze();
  if (run_ == Run::Diverged) {
    // The branch that led here cannot be followed: drop what lies below.
    while (path_.size() > at_) {
      if (path_.back()->own) wakeup_nodes_ -= std::min(wakeup_nodes_, size(*path_.back()->own));
      path_.pop_back();
    }
  }
  backtrack();
}

void DporStrategy::analyze() {
  for (const Race& r : trace_.races()) {
    if (r.second < fresh_from_) continue;  // found when that transition first ran
    const Transition& e = trace_[r.first];
    if (e.node < 0) continue;  // nothing else could run there
    Node& n = *path_[static_cast<std::size_t>(e.node)];
    if (n.upper) continue;  // every thread is a branch there already
    Sequence v;
    for (std::uint32_t k = r.first + 1; k < trace_.size(); ++k)
      if (k != r.second && !trace_.happens_before(r.first, k)) v.push_back(step_of(trace_[k]));
    v.push_back(step_of(trace_[r.second]));
    const bool covered = std::any_of(n.sleep.begin(), n.sleep.end(), [&v](const Sleeper& s) {
      return weak_initial(v, Step{s.thread, {}, s.footprint});
    });
    if (covered) continue;
    insert(*n.tree, n.chosen, std::move(v), wakeup_nodes_, kWakeupNodes);
  }
  cut_off_by_exit();
}

void DporStrategy::cut_off_by_exit() {
  // A program that ended (exit, main returning) while other threads could
  // still run cut them off: the next step of each races with the end, but
  // the trace never saw those steps, so no race above names them. Each is a
  // branch where the end was chosen: a thread created just before may run
  // first. Their footprints are unknown, so taken as global.
  if (trace_.size() == 0) return;
  const std::uint32_t last = static_cast<std::uint32_t>(trace_.size() - 1);
  const Transition& e = trace_[last];
  if (e.node < 0 || last < fresh_from_) return;
  // The program's end is an Exit on no object; a simulated process's is on its process.
  const bool ended =
      std::any_of(e.ops.begin(), e.ops.end(), [](const Op& op) { return op.op == OpKind::Exit && op.object == 0; });
  if (!ended) return;
  Node& n = *path_[static_cast<std::size_t>(e.node)];
  if (n.upper) return;
  for (const ThreadId t : n.runnable) {
    const bool slept = std::any_of(n.sleep.begin(), n.sleep.end(), [t](const Sleeper& s) { return s.thread == t; });
    if (t == n.chosen || slept) continue;
    Footprint anything;
    anything.make_global();
    insert(*n.tree, n.chosen, Sequence{Step{t, {}, std::move(anything)}}, wakeup_nodes_, kWakeupNodes);
  }
}

bool DporStrategy::next_branch(Node& n) {
  if (n.upper) {
    if (n.options.empty()) return false;
    n.chosen = n.options.front();
    n.options.erase(n.options.begin());
    return true;
  }
  auto& planned = n.tree->children;
  while (!planned.empty()) {
    const ThreadId t = planned.front()->step.thread;
    const bool slept = std::any_of(n.sleep.begin(), n.sleep.end(), [t](const Sleeper& s) { return s.thread == t; });
    if (!slept && std::binary_search(n.runnable.begin(), n.runnable.end(), t)) {
      n.chosen = t;
      return true;
    }
    wakeup_nodes_ -= std::min(wakeup_nodes_, 1 + size(*planned.front()));
    planned.erase(planned.begin());
  }
  return false;
}

void DporStrategy::backtrack() {
  while (!path_.empty()) {
    Node& n = *path_.back();
    if (!n.decision) {
      if (n.value + 1 < n.limit) {
        ++n.value;
        resume_ = path_.size() - 1;
        return;
      }
      path_.pop_back();
      continue;
    }
    // Every execution through this branch was explored: its thread sleeps
    // here from now on.
    n.sleep.push_back(Sleeper{n.chosen, n.chosen_footprint});
    n.chosen_footprint.clear();
    drop_children(*n.tree, n.chosen);
    if (next_branch(n)) {
      resume_ = path_.size() - 1;
      return;
    }
    if (n.own) wakeup_nodes_ -= std::min(wakeup_nodes_, size(*n.own));
    path_.pop_back();
  }
  done_ = true;
}

// --- Checkpoints: the path, with each decision's sleep set and wakeup tree.

namespace {
void put_footprint(std::string& out, const Footprint& f, void (*put)(std::string&, std::uint64_t)) {
  put(out, f.accesses().size());
  for (const Access& a : f.accesses()) {
    put(out, a.key);
    put(out, a.write ? 1 : 0);
  }
  put(out, f.global() ? 1 : 0);
}

void put_list(std::string& out, const std::vector<std::uint32_t>& list, void (*put)(std::string&, std::uint64_t)) {
  put(out, list.size());
  for (std::uint32_t v : list) put(out, v);
}

void put_tree(std::string& out, const WakeupNode& node, void (*put)(std::string&, std::uint64_t)) {
  put(out, node.children.size());
  for (const auto& c : node.children) {
    put(out, c->step.thread);
    put_list(out, c->step.values, put);
    put_footprint(out, c->step.footprint, put);
    put_tree(out, *c, put);
  }
}

// locate finds `target` below `node` and writes the child indices leading
// to it.
bool locate(const WakeupNode& node, const WakeupNode* target, std::vector<std::uint64_t>& route) {
  if (&node == target) return true;
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    route.push_back(i);
    if (locate(*node.children[i], target, route)) return true;
    route.pop_back();
  }
  return false;
}

// Reader reads what save wrote, with a limit on every count so that a
// damaged file cannot make it allocate without bound.
struct Reader {
  std::string_view in;
  bool (*get)(std::string_view&, std::uint64_t&);
  bool ok = true;

  std::uint64_t number(std::uint64_t max = UINT64_MAX) {
    std::uint64_t n = 0;
    if (!ok || !get(in, n) || n > max) {
      ok = false;
      return 0;
    }
    return n;
  }
  Footprint footprint() {
    Footprint f;
    const std::uint64_t n = number(1 << 20);
    for (std::uint64_t i = 0; i < n && ok; ++i) {
      const ObjectKey key = number();
      f.add(key, number(1) == 1);
    }
    if (number(1) == 1) f.make_global();
    return f;
  }
  std::vector<std::uint32_t> list() {
    std::vector<std::uint32_t> out;
    const std::uint64_t n = number(1 << 20);
    for (std::uint64_t i = 0; i < n && ok; ++i) out.push_back(static_cast<std::uint32_t>(number(UINT32_MAX)));
    return out;
  }
  void tree(WakeupNode& node, std::size_t& count, int depth) {
    const std::uint64_t n = number(1 << 20);
    if (depth > 100000) ok = false;
    for (std::uint64_t i = 0; i < n && ok; ++i) {
      auto c = std::make_unique<WakeupNode>();
      c->step.thread = static_cast<ThreadId>(number(UINT32_MAX));
      c->step.values = list();
      c->step.footprint = footprint();
      tree(*c, count, depth + 1);
      ++count;
      node.children.push_back(std::move(c));
    }
  }
};
}  // namespace

void DporStrategy::save(std::string& out) const {
  out += "dpor ";
  save_common(out);
  put(out, seen_global_ ? 1 : 0);
  put(out, explored_classes_.size());
  for (std::uint64_t f : explored_classes_) put(out, f);
  put(out, path_.size());
  put(out, resume_);
  for (std::size_t k = 0; k < path_.size(); ++k) {
    const Node& n = *path_[k];
    put(out, n.decision ? 1 : 0);
    put(out, n.step);
    if (!n.decision) {
      put(out, n.bound);
      put(out, n.limit);
      put(out, n.value);
      continue;
    }
    put(out, n.chosen);
    put_list(out, n.runnable, &put);
    put(out, n.sleep.size());
    for (const Sleeper& s : n.sleep) {
      put(out, s.thread);
      put_footprint(out, s.footprint, &put);
    }
    put_footprint(out, n.chosen_footprint, &put);
    put(out, n.upper ? 1 : 0);
    put_list(out, n.options, &put);
    if (n.own) {
      put(out, 0);
      put_tree(out, *n.own, &put);
      continue;
    }
    // Its tree is part of an ancestor's: say whose, and where.
    for (std::size_t a = 0; a < k; ++a) {
      std::vector<std::uint64_t> route;
      if (!path_[a]->own || !locate(*path_[a]->own, n.tree, route)) continue;
      put(out, 1);
      put(out, a);
      put(out, route.size());
      for (std::uint64_t i : route) put(out, i);
      break;
    }
  }
}

bool DporStrategy::load(std::string_view in, std::string& error) {
  error = "it does not hold the progress of an exhaustive (dpor) search";
  if (in.substr(0, 5) != "dpor ") return false;
  in.remove_prefix(5);
  if (!load_common(in)) return false;
  Reader r{in, &Search::get};
  explored_classes_.clear();
  seen_global_ = r.number(1) == 1;
  const std::uint64_t classes = r.number(std::uint64_t{1} << 32);
  for (std::uint64_t i = 0; i < classes && r.ok; ++i) explored_classes_.insert(r.number());
  const std::uint64_t nodes = r.number(1 << 24);
  resume_ = r.number(nodes);
  path_.clear();
  wakeup_nodes_ = 0;
  for (std::uint64_t k = 0; k < nodes && r.ok; ++k) {
    Node& n = new_node(r.number(1) == 1);
    n.step = r.number();
    if (!n.decision) {
      n.bound = static_cast<std::uint32_t>(r.number(UINT32_MAX));
      n.limit = static_cast<std::uint32_t>(r.number(n.bound));
      n.value = static_cast<std::uint32_t>(r.number(n.limit));
      continue;
    }
    n.chosen = static_cast<ThreadId>(r.number(UINT32_MAX));
    n.runnable = r.list();
    const std::uint64_t sleepers = r.number(1 << 20);
    for (std::uint64_t i = 0; i < sleepers && r.ok; ++i) {
      Sleeper s;
      s.thread = static_cast<ThreadId>(r.number(UINT32_MAX));
      s.footprint = r.footprint();
      n.sleep.push_back(std::move(s));
    }
    n.chosen_footprint = r.footprint();
    n.upper = r.number(1) == 1;
    n.options = r.list();
    if (r.number(1) == 0) {
      n.own = std::make_unique<WakeupNode>();
      n.tree = n.own.get();
      r.tree(*n.own, wakeup_nodes_, 0);
      continue;
    }
    const std::uint64_t owner = r.number(k == 0 ? 0 : k - 1);
    if (!r.ok || !path_[owner]->own) {
      r.ok = false;
      break;
    }
    WakeupNode* at = path_[owner]->own.get();
    const std::uint64_t hops = r.number(1 << 20);
    for (std::uint64_t i = 0; i < hops && r.ok; ++i) {
      const std::uint64_t child = r.number();
      if (child >= at->children.size()) {
        r.ok = false;
        break;
      }
      at = at->children[child].get();
    }
    n.tree = at;
  }
  if (!r.ok || (nodes > 0 && resume_ >= nodes)) {
    path_.clear();
    return false;
  }
  while (!r.in.empty() && (r.in.front() == ' ' || r.in.front() == '\n')) r.in.remove_prefix(1);
  if (!r.in.empty()) {
    path_.clear();
    return false;
  }
  error.clear();
  return true;
}

}  // namespace weft::sched
