#include "scheduler/surw_strategy.h"

#include <algorithm>

#include "scheduler/execution.h"

namespace weft::sched {

void SurwStrategy::begin(std::uint64_t index) {
  rng_.reseed(splitmix64(seed_ ^ 0x5355525700000000ull) ^ splitmix64(index + 1));
  shared_.begin();
  seen_.clear();
  remaining_.clear();
  last_site_.clear();
  first_streak_ = 0;
  const std::vector<SiteKey>& shared = shared_.sites();
  learning_ = shared.empty();
  if (learning_) return;
  all_selected_ = shared.size() == 1 || rng_.below(2) == 0;
  selected_ = shared[rng_.below(static_cast<std::uint32_t>(shared.size()))];
}

bool SurwStrategy::interesting(const SiteKey& site) const {
  if (all_selected_) return shared_.shared_site(site);
  return site == selected_;
}

SiteKey SurwStrategy::pending_site(ThreadId t) const noexcept {
  const Location where = x_.pending_where(t);
  return {where.file, where.line, x_.pending_object(t).kind};
}

std::uint64_t SurwStrategy::total(ThreadId t) const {
  // Children are created after their parent, so they have higher ids.
  std::uint64_t sum = 0;
  std::vector<ThreadId> pending{t};
  while (!pending.empty()) {
    const ThreadId u = pending.back();
    pending.pop_back();
    for (const auto& [site, counts] : most_)
      if (u < counts.size() && interesting(site)) sum += counts[u];
    for (ThreadId c = u + 1; c < parent_.size(); ++c)
      if (parent_[c] == u) pending.push_back(c);
  }
  return sum;
}

void SurwStrategy::on_spawn(ThreadId id) {
  const ThreadId parent = x_.current();
  if (parent_.size() <= id) parent_.resize(id + 1, kNoThread);
  parent_[id] = parent;
  if (remaining_.size() <= id) remaining_.resize(id + 1, 1);
  if (learning_) return;
  const std::uint64_t mine = total(id);
  remaining_[id] = std::max<std::uint64_t>(1, mine);
  if (parent < remaining_.size()) remaining_[parent] = remaining_[parent] > mine ? remaining_[parent] - mine : 1;
}

ThreadId SurwStrategy::uniform(const Decision& d) {
  scratch_.clear();
  for (ThreadId t : d.runnable)
    if (d.may_pick(t)) scratch_.push_back(t);
  return scratch_[rng_.below(static_cast<std::uint32_t>(scratch_.size()))];
}

ThreadId SurwStrategy::weighted(const Decision& d) {
  // Threads short of an interesting operation go first.
  scratch_.clear();
  if (first_streak_ < kMaxFirst) {
    for (ThreadId t : d.runnable) {
      if (!d.may_pick(t)) continue;
      const SiteKey site = pending_site(t);
      if (site.kind == ObjectKind::None || (!interesting(site) && !(t < last_site_.size() && last_site_[t] == site)))
        scratch_.push_back(t);
    }
  }
  if (!scratch_.empty()) {
    ++first_streak_;
    return scratch_[rng_.below(static_cast<std::uint32_t>(scratch_.size()))];
  }
  first_streak_ = 0;
  std::uint64_t sum = 0;
  for (ThreadId t : d.runnable)
    if (d.may_pick(t)) sum += remaining_[t];
  std::uint64_t r = rng_.next() % sum;
  ThreadId pick = kNoThread;
  for (ThreadId t : d.runnable) {
    if (!d.may_pick(t)) continue;
    pick = t;
    if (r < remaining_[t]) break;
    r -= remaining_[t];
  }
  if (remaining_[pick] > 1) --remaining_[pick];
  return pick;
}

ThreadId SurwStrategy::pick_thread(const Decision& d) {
  const ThreadId pick = learning_ ? uniform(d) : weighted(d);
  const ObjectRef o = x_.pending_object(pick);
  if (last_site_.size() <= pick) last_site_.resize(pick + 1);
  last_site_[pick] = pending_site(pick);
  if (o.kind != ObjectKind::None) {
    shared_.note(pick, o, x_.pending_where(pick));
    std::vector<std::uint32_t>& counts = seen_[pending_site(pick)];
    if (counts.size() <= pick) counts.resize(pick + 1, 0);
    ++counts[pick];
  }
  return pick;
}

std::uint32_t SurwStrategy::pick_value(std::uint32_t bound, std::uint64_t) { return rng_.below(bound); }

void SurwStrategy::end(std::uint64_t) {
  for (const auto& [site, counts] : seen_) {
    std::vector<std::uint32_t>& most = most_[site];
    if (most.size() < counts.size()) most.resize(counts.size(), 0);
    for (std::size_t t = 0; t < counts.size(); ++t) most[t] = std::max(most[t], counts[t]);
  }
}

}  // namespace weft::sched
