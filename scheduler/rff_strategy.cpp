#include "scheduler/rff_strategy.h"

#include <algorithm>

#include "scheduler/conflict.h"
#include "scheduler/event.h"
#include "scheduler/execution.h"

namespace weft::sched {

void RffStrategy::begin(std::uint64_t index) {
  rng_.reseed(splitmix64(seed_ ^ 0x5246460000000000ull) ^ splitmix64(index + 1));
  priorities_.clear();
  schedule_.clear();
  if (!corpus_.empty())
    for (const Constraint& c : corpus_.next(sites_, rng_)) schedule_.push_back({c, false});
  pairs_.clear();
  for (auto& objects : touches_) objects.clear();
  steers_ = 0;
  running_ = true;
}

void RffStrategy::end(std::uint64_t) {
  running_ = false;
  // What a read site could read from: every write site seen on an object it
  // read, in this execution or an earlier one.
  for (const auto& objects : touches_)
    for (const Touches& o : objects)
      for (const std::uint32_t r : o.reads)
        for (const std::uint32_t w : o.writes) sites_.saw(r, w);
  std::vector<Constraint> schedule;
  for (const Active& a : schedule_) schedule.push_back(a.constraint);
  corpus_.learn(pairs_, schedule);
}

bool RffStrategy::followed(ObjectKind k) const noexcept {
  // A var is no scheduling point while races are checked: nothing could
  // steer its accesses.
  return is_memory_or_lock(k) && !(k == ObjectKind::Var && x_.config().race_detection);
}

RffStrategy::Touches& RffStrategy::touches(ObjectRef o) {
  auto& objects = touches_[static_cast<unsigned>(o.kind) & 15];
  if (o.index >= objects.size()) objects.resize(o.index + 1);
  return objects[o.index];
}

std::uint32_t RffStrategy::last_write(ObjectRef o) {
  const std::uint32_t last = touches(o).last;
  return last == kNone ? sites_.initial(o.kind) : last;
}

int RffStrategy::score(ThreadId t) {
  const OpKind op = x_.pending_op(t);
  const ObjectRef o = x_.pending_object(t);
  if (!followed(o.kind)) return 0;
  const bool reads = reads_value(op, o.kind);
  const bool writes = writes_value(op, o.kind);
  if (!reads && !writes) return 0;
  const Location where = x_.pending_where(t);
  const std::uint32_t site = sites_.id(where.file, where.line, o.kind);
  const std::uint32_t latest = last_write(o);
  int s = 0;
  for (const Active& a : schedule_) {
    const Constraint& c = a.constraint;
    if (a.met || sites_.site(c.read).kind != o.kind) continue;
    if (reads && site == c.read) {
      if (c.positive) {
        s += latest == c.write ? 1 : -1;
      } else if (latest == c.write) {
        s -= 1;
      }
    }
    if (writes && c.positive && site != c.read) {
      if (site == c.write) {
        if (latest != c.write) s += 1;  // w, when it can
      } else if (latest == c.write) {
        s -= 1;  // keeps w's value for r
      }
    }
  }
  return s;
}

ThreadId RffStrategy::pick_thread(const Decision& d) {
  const bool steering = steers_ < kMaxSteers && !schedule_.empty();
  ThreadId best = kNoThread;
  int best_score = 0;
  bool steered = false;
  for (ThreadId t : d.runnable) {
    if (!d.may_pick(t)) continue;
    const int s = steering ? score(t) : 0;
    steered = steered || s != 0;
    if (best == kNoThread || s > best_score || (s == best_score && priorities_.of(t) > priorities_.of(best))) {
      best = t;
      best_score = s;
    }
  }
  if (steered) ++steers_;
  priorities_.ran(x_, d, best, rng_);
  return best;
}

std::uint32_t RffStrategy::pick_value(std::uint32_t bound, std::uint64_t) { return rng_.below(bound); }

void RffStrategy::saw(const Event& e) {
  const ObjectRef o = e.object;
  if (!running_ || !followed(o.kind)) return;
  // A try_lock that failed read nothing an unlock wrote.
  const bool reads = reads_value(e.op, o.kind) && !(e.failed() && is_lock(o.kind));
  const bool writes = writes_value(e.op, o.kind);
  if (!reads && !writes) return;
  const std::uint32_t site = sites_.id(e.where.file, e.where.line, o.kind);
  Touches& touched = touches(o);
  if (reads) {
    const std::uint32_t from = last_write(o);
    pairs_.insert(pair_key(from, site));
    if (std::find(touched.reads.begin(), touched.reads.end(), site) == touched.reads.end())
      touched.reads.push_back(site);
    for (Active& a : schedule_)
      if (!a.met && a.constraint.positive && a.constraint.read == site && a.constraint.write == from) a.met = true;
  }
  if (writes) {
    touched.last = site;
    if (std::find(touched.writes.begin(), touched.writes.end(), site) == touched.writes.end())
      touched.writes.push_back(site);
  }
}

}  // namespace weft::sched
