#include "scheduler/dpor_trace.h"

#include <algorithm>

#include "scheduler/rng.h"

namespace weft::sched {

namespace {
constexpr std::uint32_t kNone = Transition::kNone;

// first_op_on is the first operation `t` made on `object`.
const Op* first_op_on(const Transition& t, ObjectKey object) noexcept {
  for (const Op& op : t.ops)
    if (op.object == object) return &op;
  return nullptr;
}

// last_op_on is the last operation `t` made on `object`.
const Op* last_op_on(const Transition& t, ObjectKey object) noexcept {
  for (auto it = t.ops.rbegin(); it != t.ops.rend(); ++it)
    if (it->object == object) return &*it;
  return nullptr;
}

// Candidate is an earlier transition that `j` depends on directly, and
// through which object (kGlobal: through the clock).
struct Candidate {
  std::uint32_t index;
  ObjectKey object;
};
constexpr ObjectKey kGlobal = ~ObjectKey{0};

void add_candidate(std::vector<Candidate>& out, std::uint32_t index, ObjectKey object) {
  for (const Candidate& c : out)
    if (c.index == index) return;
  out.push_back({index, object});
}
}  // namespace

void DporTrace::clear() {
  transitions_.clear();
  last_of_thread_.clear();
  spawner_of_.clear();
  objects_.clear();
  last_global_ = kNone;
  all_clock_.clear();
  races_.clear();
  open_ = false;
}

void DporTrace::open(ThreadId thread, std::uint64_t step, std::int32_t node, const std::vector<ThreadId>& enabled,
                     bool enabled_known) {
  if (thread >= last_of_thread_.size()) {
    last_of_thread_.resize(thread + 1, kNone);
    spawner_of_.resize(thread + 1, kNone);
  }
  Transition& t = transitions_.emplace_back();
  t.thread = thread;
  t.step = step;
  t.node = node;
  t.previous = last_of_thread_[thread];
  t.local = t.previous == kNone ? 1 : transitions_[t.previous].local + 1;
  t.spawner = t.previous == kNone ? spawner_of_[thread] : kNone;
  t.enabled = enabled;
  t.enabled_known = enabled_known;
  open_ = true;
}

void DporTrace::spawned(ThreadId child) {
  if (child >= spawner_of_.size()) {
    last_of_thread_.resize(child + 1, kNone);
    spawner_of_.resize(child + 1, kNone);
  }
  spawner_of_[child] = size() - 1;
}

void DporTrace::join(std::vector<std::uint32_t>& into, std::uint32_t from) const {
  const std::vector<std::uint32_t>& c = transitions_[from].clock;
  if (into.size() < c.size()) into.resize(c.size(), 0);
  for (std::size_t i = 0; i < c.size(); ++i) into[i] = std::max(into[i], c[i]);
}

std::uint32_t DporTrace::close() {
  const std::uint32_t j = size() - 1;
  Transition& t = transitions_[j];
  std::vector<std::uint32_t> clock;
  if (t.previous != kNone) join(clock, t.previous);
  if (t.spawner != kNone) join(clock, t.spawner);
  if (last_global_ != kNone) join(clock, last_global_);
  if (t.footprint.global()) {
    if (clock.size() < all_clock_.size()) clock.resize(all_clock_.size(), 0);
    for (std::size_t i = 0; i < all_clock_.size(); ++i) clock[i] = std::max(clock[i], all_clock_[i]);
  }
  for (const Access& a : t.footprint.accesses()) {
    const History& h = objects_[a.key];
    if (h.last_write != kNone) join(clock, h.last_write);
    if (a.write)
      for (std::uint32_t r : h.reads) join(clock, r);
  }
  if (clock.size() <= t.thread) clock.resize(t.thread + 1, 0);
  clock[t.thread] = t.local;
  t.clock = std::move(clock);

  find_races(j);

  for (const Access& a : t.footprint.accesses()) {
    History& h = objects_[a.key];
    h.all.push_back(j);
    if (a.write) {
      h.last_write = j;
      h.reads.clear();
    } else {
      h.reads.push_back(j);
    }
  }
  const std::vector<std::uint32_t>& mine = transitions_[j].clock;
  if (all_clock_.size() < mine.size()) all_clock_.resize(mine.size(), 0);
  for (std::size_t i = 0; i < mine.size(); ++i) all_clock_[i] = std::max(all_clock_[i], mine[i]);
  if (transitions_[j].footprint.global()) last_global_ = j;
  last_of_thread_[transitions_[j].thread] = j;
  open_ = false;
  return j;
}

bool DporTrace::ordered_otherwise(std::uint32_t c, std::uint32_t j, ObjectKey skip_object,
                                  const std::vector<std::uint32_t>& others) const {
  (void)skip_object;
  for (std::uint32_t x : others)
    if (x != c && x != j && x != kNone && happens_before(c, x)) return true;
  return false;
}

bool DporTrace::ended_wait(std::uint32_t c, std::uint32_t j, ObjectKey object) const {
  // Replays the waits and notifies on `object` before c: a notify_all ends
  // the waits begun before it and not yet ended by a notify that named the
  // waiter or woke everyone. A later notify_all found the waiter running
  // and could have come after its wake.
  const ThreadId waiter = transitions_[j].thread;
  bool waiting = false;
  for (const std::uint32_t k : objects_.at(object).all) {
    if (k >= c) break;
    for (const Op& op : transitions_[k].ops) {
      if (op.object != object) continue;
      if (op.op == OpKind::Wait && transitions_[k].thread == waiter)
        waiting = true;
      else if (op.op == OpKind::NotifyAll || (op.op == OpKind::NotifyOne && op.peer == waiter))
        waiting = false;
    }
  }
  return waiting;
}

bool DporTrace::disabled_at(std::uint32_t c, std::uint32_t j) const noexcept {
  // Was j's thread waiting at j's very operation when c ran, and unable to
  // run? Then j could not have come first.
  const Transition& tc = transitions_[c];
  const Transition& tj = transitions_[j];
  if (!tc.enabled_known) return false;
  const bool waiting = tj.previous != kNone ? tj.previous < c
                                            : tj.thread == 0 || (tj.spawner != kNone && tj.spawner < c);
  if (!waiting) return false;
  return !std::binary_search(tc.enabled.begin(), tc.enabled.end(), tj.thread);
}

void DporTrace::find_races(std::uint32_t j) {
  const Transition& t = transitions_[j];
  std::vector<Candidate> candidates;
  if (last_global_ != kNone) add_candidate(candidates, last_global_, kGlobal);
  if (t.footprint.global()) {
    for (std::uint32_t last : last_of_thread_)
      if (last != kNone) add_candidate(candidates, last, kGlobal);
  }
  for (const Access& a : t.footprint.accesses()) {
    const auto it = objects_.find(a.key);
    if (it == objects_.end()) continue;
    const History& h = it->second;
    if (h.last_write != kNone) add_candidate(candidates, h.last_write, a.key);
    if (a.write)
      for (std::uint32_t r : h.reads) add_candidate(candidates, r, a.key);
  }
  std::vector<std::uint32_t> preds{t.previous, t.spawner};
  for (const Candidate& c : candidates) preds.push_back(c.index);

  const ObjectKey pending = t.ops.empty() ? kGlobal : t.ops.front().object;
  for (const Candidate& c : candidates) {
    const Transition& tc = transitions_[c.index];
    if (tc.thread == t.thread) continue;
    if (c.object != kGlobal) {
      const Op* earlier = last_op_on(tc, c.object);
      const Op* later = first_op_on(t, c.object);
      if (earlier && later && never_before(*earlier, t.thread, *later) &&
          (earlier->op != OpKind::NotifyAll || ended_wait(c.index, j, c.object)))
        continue;
    }
    const bool through_pending = c.object == kGlobal || c.object == pending || tc.footprint.global();
    if (through_pending && disabled_at(c.index, j)) continue;
    if (ordered_otherwise(c.index, j, c.object, preds)) continue;
    races_.push_back({c.index, j});
  }

  // An acquisition also races with the previous acquisition of its object
  // by another thread, ordered before it only through the release between
  // them: whoever takes a lock first could have been the other thread.
  for (const Access& a : t.footprint.accesses()) {
    const Op* mine = first_op_on(t, a.key);
    if (!mine || !is_acquisition(*mine)) continue;
    const auto it = objects_.find(a.key);
    if (it == objects_.end()) continue;
    std::uint32_t previous = kNone;
    for (auto k = it->second.all.rbegin(); k != it->second.all.rend(); ++k) {
      const Transition& tk = transitions_[*k];
      if (tk.thread == t.thread) continue;
      const Op* theirs = last_op_on(tk, a.key);
      if (theirs && is_acquisition(*theirs)) {
        previous = *k;
        break;
      }
    }
    if (previous == kNone) continue;
    if (std::any_of(races_.begin(), races_.end(), [&](const Race& r) { return r.second == j && r.first == previous; }))
      continue;
    if (a.key == pending && disabled_at(previous, j)) continue;
    std::vector<std::uint32_t> others{t.previous, t.spawner};
    for (const Candidate& c : candidates)
      if (c.object != a.key) others.push_back(c.index);
    if (ordered_otherwise(previous, j, a.key, others)) continue;
    races_.push_back({previous, j});
  }
}

std::uint64_t DporTrace::fingerprint() const noexcept {
  // A transition that did nothing (a thread's start) is no event of the
  // trace: where it ran, and so what it was ordered after or before, is not
  // part of the class. Transitions are counted without them: done[t][k] is
  // how many of thread t's first k transitions did something.
  const auto empty = [](const Transition& t) { return t.ops.empty() && t.values.empty(); };
  std::vector<std::vector<std::uint32_t>> done;
  for (const Transition& t : transitions_) {
    if (t.thread >= done.size()) done.resize(t.thread + 1, std::vector<std::uint32_t>{0});
    auto& d = done[t.thread];
    if (d.size() <= t.local) d.resize(t.local + 1, d.back());
    d[t.local] = d[t.local - 1] + (empty(t) ? 0 : 1);
  }
  const auto counted = [&done](std::size_t thread, std::uint32_t local) -> std::uint64_t {
    if (thread >= done.size() || done[thread].empty()) return 0;
    const auto& d = done[thread];
    return d[std::min<std::size_t>(local, d.size() - 1)];
  };
  // Each transition's digest is mixed in by a sum, so the order the
  // transitions ran in does not matter; what happens before each does.
  std::uint64_t sum = 0;
  std::uint64_t events = 0;
  for (const Transition& t : transitions_) {
    if (empty(t)) continue;
    ++events;
    std::uint64_t h = splitmix64((std::uint64_t{t.thread} << 32) | counted(t.thread, t.local));
    const auto add = [&h](std::uint64_t v) { h = splitmix64(h ^ v); };
    for (const Op& op : t.ops) {
      add(static_cast<std::uint64_t>(op.op) | (std::uint64_t{op.flags} << 8) | (std::uint64_t{op.peer} << 16));
      add(op.object);
    }
    add(~std::uint64_t{0});
    for (std::uint32_t v : t.values) add(v);
    add(~std::uint64_t{1});
    for (std::size_t k = 0; k < t.clock.size(); ++k)
      if (const std::uint64_t c = counted(k, t.clock[k]); c != 0) add((c << 32) | k);
    sum += h;
  }
  return splitmix64(sum ^ events);
}

}  // namespace weft::sched
