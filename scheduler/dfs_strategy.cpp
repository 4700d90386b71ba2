#include "scheduler/dfs_strategy.h"

#include <algorithm>

namespace weft::sched {

DfsStrategy::DfsStrategy(std::optional<std::uint32_t> preemption_bound, std::uint32_t shard,
                         std::uint32_t shards) noexcept
    : Search(shard, shards), bound_(preemption_bound) {}

void DfsStrategy::begin(std::uint64_t) {
  begin_run();
  at_ = 0;
  preemptions_ = 0;
  claimed_ = false;
  pruned_ = false;
  run_ = Run::Explored;
}

void DfsStrategy::prune(Run why) {
  run_ = why;
  pruned_ = true;
  throw Pruned{};
}

bool DfsStrategy::allowed(const Node& n, std::uint32_t option) noexcept {
  if (!bound_ || !n.preempts[option] || n.preemptions < level_) return true;
  held_back_ = true;
  return false;
}

ThreadId DfsStrategy::pick_thread(const Decision& d) {
  if (at_ < path_.size()) {
    Node& n = path_[at_];
    if (!n.decision || !d.can_run(n.options[n.at])) {
      note_diverged();
      prune(Run::Diverged);
    }
    preemptions_ += n.preempts[n.at] ? 1 : 0;
    // Replayed through its frontier node, the execution is this shard's.
    if (sharded() && at_ == frontier_depth()) claimed_ = true;
    ++at_;
    return n.options[n.at];
  }
  if (sharded() && at_ == frontier_depth()) {
    if (!claim()) prune(Run::Foreign);
    claimed_ = true;
  }
  Node n;
  n.preemptions = preemptions_;
  const bool can_go_on = d.current != kNoThread && d.can_run(d.current) && !d.yielding;
  if (can_go_on) n.options.push_back(d.current);
  std::vector<ThreadId> others(d.runnable.begin(), d.runnable.end());
  std::sort(others.begin(), others.end());
  for (ThreadId t : others)
    if (!can_go_on || t != d.current) n.options.push_back(t);
  for (ThreadId t : n.options) n.preempts.push_back(can_go_on && t != d.current);
  // The first option never preempts: the thread that ran goes on, or none could.
  path_.push_back(std::move(n));
  ++at_;
  return path_.back().options[0];
}

std::uint32_t DfsStrategy::pick_value(std::uint32_t bound, std::uint64_t) {
  if (at_ < path_.size()) {
    Node& n = path_[at_];
    if (n.decision || n.bound != limit_of(bound)) {
      note_diverged();
      prune(Run::Diverged);
    }
    if (sharded() && at_ == frontier_depth()) claimed_ = true;
    ++at_;
    return n.at;
  }
  if (sharded() && at_ == frontier_depth()) {
    if (!claim()) prune(Run::Foreign);
    claimed_ = true;
  }
  Node n;
  n.decision = false;
  n.bound = limit_of(bound);
  n.preemptions = preemptions_;
  path_.push_back(std::move(n));
  ++at_;
  return 0;
}

std::uint32_t DfsStrategy::pick_rare(std::uint32_t bound, std::uint64_t step) {
  if (!rare_allowed()) return 0;
  const std::uint32_t value = pick_value(bound, step);
  if (value != 0) spend_rare();
  return value;
}

void DfsStrategy::end(std::uint64_t) {
  if (!pruned_ && at_ < path_.size()) {
    note_diverged();
    run_ = Run::Diverged;
  }
  if (run_ == Run::Diverged) path_.resize(at_);
  if (run_ == Run::Explored && bound_ && preemptions_ < level_) run_ = Run::Redundant;
  if (sharded() && !claimed_ && run_ != Run::Foreign && run_ != Run::Diverged && !claim()) run_ = Run::Foreign;
  backtrack();
}

bool DfsStrategy::advance(Node& n) {
  const std::uint32_t count = n.decision ? static_cast<std::uint32_t>(n.options.size()) : n.bound;
  for (std::uint32_t next = n.at + 1; next < count; ++next) {
    if (n.decision && !allowed(n, next)) continue;
    n.at = next;
    return true;
  }
  return false;
}

void DfsStrategy::backtrack() {
  for (;;) {
    while (!path_.empty()) {
      if (advance(path_.back())) return;
      path_.pop_back();
    }
    // This level is complete. The next one adds schedules only if this one
    // held some back.
    if (!bound_ || level_ >= *bound_ || !held_back_) break;
    ++level_;
    held_back_ = false;
    frontier_next_ = 0;
    return;  // an empty path: the next execution starts the level afresh
  }
  done_ = true;
}

void DfsStrategy::save(std::string& out) const {
  out += "dfs ";
  save_common(out);
  put(out, bound_ ? *bound_ + 1 : 0);
  put(out, level_);
  put(out, held_back_ ? 1 : 0);
  put(out, path_.size());
  for (const Node& n : path_) {
    put(out, n.decision ? 1 : 0);
    put(out, n.at);
    put(out, n.preemptions);
    put(out, n.bound);
    put(out, n.options.size());
    for (std::size_t i = 0; i < n.options.size(); ++i) {
      put(out, n.options[i]);
      put(out, n.preempts[i] ? 1 : 0);
    }
  }
}

bool DfsStrategy::load(std::string_view in, std::string& error) {
  error = "it does not hold the progress of this preemption-bounded search";
  if (in.substr(0, 4) != "dfs ") return false;
  in.remove_prefix(4);
  if (!load_common(in)) return false;
  std::uint64_t bound = 0, level = 0, held = 0, nodes = 0;
  if (!get(in, bound) || bound != (bound_ ? *bound_ + 1 : 0) || !get(in, level) || !get(in, held) ||
      !get(in, nodes) || nodes > (1u << 24))
    return false;
  level_ = static_cast<std::uint32_t>(level);
  held_back_ = held != 0;
  path_.clear();
  for (std::uint64_t k = 0; k < nodes; ++k) {
    Node n;
    std::uint64_t decision = 0, at = 0, preemptions = 0, values = 0, options = 0;
    if (!get(in, decision) || !get(in, at) || !get(in, preemptions) || !get(in, values) || !get(in, options) ||
        options > (1u << 20))
      return false;
    n.decision = decision != 0;
    n.at = static_cast<std::uint32_t>(at);
    n.preemptions = static_cast<std::uint32_t>(preemptions);
    n.bound = static_cast<std::uint32_t>(values);
    for (std::uint64_t i = 0; i < options; ++i) {
      std::uint64_t t = 0, p = 0;
      if (!get(in, t) || !get(in, p)) return false;
      n.options.push_back(static_cast<ThreadId>(t));
      n.preempts.push_back(p != 0);
    }
    if (n.decision ? n.at >= n.options.size() : n.at >= n.bound) return false;
    path_.push_back(std::move(n));
  }
  while (!in.empty() && (in.front() == ' ' || in.front() == '\n')) in.remove_prefix(1);
  if (!in.empty()) return false;
  error.clear();
  return true;
}

}  // namespace weft::sched
