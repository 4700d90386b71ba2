#include "checkers/race_detector.h"

#include <algorithm>

#include "scheduler/event.h"
#include "scheduler/trace.h"

namespace weft::checkers {

using sched::ObjectKind;
using sched::ObjectRef;
using sched::ThreadId;

namespace {

// A held lock as a sortable key: kind, shared flag, index.
std::uint64_t lock_key(ObjectRef lock, bool shared) noexcept {
  return (std::uint64_t{static_cast<std::uint8_t>(lock.kind)} << 40) | (std::uint64_t{shared} << 32) | lock.index;
}
std::string lock_text(std::uint64_t key) {
  const ObjectRef lock{static_cast<ObjectKind>(key >> 40), static_cast<std::uint32_t>(key)};
  return sched::object_name(lock) + ((key >> 32) & 1 ? " (shared)" : "");
}

std::string site(const sched::Location& where) {
  if (!where.line) return "an unknown location";
  return std::string(sched::base_name(where.file)) + ":" + std::to_string(where.line);
}

}  // namespace

void RaceDetector::begin() {
  ++run_;
  reported_ = false;
  sections_.clear();
  if (locksets_seen_.empty()) {
    locksets_seen_.emplace_back();
    lockset_ids_.emplace(LockSet{}, 0);
  }
  start_thread(0);
}

void RaceDetector::start_thread(ThreadId t) {
  if (t >= threads_.size()) threads_.resize(t + 1);
  ThreadState& s = threads_[t];
  s.clock.start(t);
  s.fenced.clear();
  s.observed.clear();
}

void RaceDetector::spawned(ThreadId parent, ThreadId child) {
  start_thread(child);
  ThreadState& p = thread(parent);  // start_thread may have moved it
  threads_[child].clock.join(p.clock);
  p.clock.tick();
}

void RaceDetector::joined(ThreadId joiner, ThreadId target) {
  if (joiner == target) return;
  threads_[joiner].clock.join(threads_[target].clock);
}

void RaceDetector::atomic(ThreadId t, VectorClock& clock, AtomicAccess access, std::memory_order order) {
  ThreadState& s = thread(t);
  const bool reads = access != AtomicAccess::Store;
  if (reads) {
    if (sched::acquires(order))
      s.clock.join(clock);
    else if (clock.size() > 0)
      s.observed.join(clock);  // for an acquire fence later
  }
  if (access == AtomicAccess::Load) return;
  // A store heads a new release sequence: what an acquire that reads it
  // synchronizes with is this store's release, or nothing (C++20); a
  // read-modify-write reads the latest value, so it continues the release
  // sequence it reads from and adds its own release to it.
  if (access == AtomicAccess::Store) clock.clear();
  if (sched::releases(order)) {
    release(t, clock);
  } else if (s.fenced.size() > 0) {
    clock.join(s.fenced);  // a release fence before a relaxed store or RMW
  }
}

void RaceDetector::fence(ThreadId t, std::memory_order order) {
  ThreadState& s = thread(t);
  if (sched::acquires(order)) s.clock.join(s.observed);
  if (sched::releases(order)) {
    s.fenced.clear();
    s.clock.release_into(s.fenced);
    s.clock.tick();  // what the thread does next is not part of this release
  }
}

Access RaceDetector::access(sched::Execution& x, ThreadId t, Clock now, sched::Location where, const HeldLocks& held) {
  return Access{t, now, x.steps(), where, x.recording() ? lockset(t, held) : 0};
}

std::uint32_t RaceDetector::lockset(ThreadId t, const HeldLocks& held) {
  LockSet locks;
  for (const HeldLock& h : held.of(t)) locks.push_back(lock_key(h.lock, h.shared));
  std::sort(locks.begin(), locks.end());
  const auto [it, added] = lockset_ids_.try_emplace(locks, static_cast<std::uint32_t>(locksets_seen_.size()));
  if (added) locksets_seen_.push_back(std::move(locks));
  return it->second;
}

void RaceDetector::read(sched::Execution& x, ThreadId t, VarShadow& v, ObjectRef var, sched::Location where,
                        const HeldLocks& held) {
  if (reported_) return;
  ThreadState& s = thread(t);
  const Clock now = s.clock.get(t);
  // Same epoch: this thread already read since its last release.
  if (!v.reads) {
    if (v.read.clock == now && v.read.thread == t) return;
  } else if (t < v.reads->size() && (*v.reads)[t].clock == now) {
    return;
  }
  if (v.write.freed) [[unlikely]]
    return report_use_after_free(x, var, access(x, t, now, where, held), false, v.write);
  if (v.write.clock > s.clock.get(v.write.thread))
    return report(x, var, access(x, t, now, where, held), false, v.write, true);
  if (v.reads) {
    if (t >= v.reads->size()) v.reads->resize(t + 1);
    (*v.reads)[t] = access(x, t, now, where, held);
  } else if (v.read.clock == 0 || v.read.clock <= s.clock.get(v.read.thread)) {
    v.read = access(x, t, now, where, held);  // the last read happens before this one: one epoch still suffices
  } else {
    // Two concurrent reads: keep one per thread from now on.
    v.reads = std::make_unique<std::vector<Access>>(std::max(t, v.read.thread) + 1);
    (*v.reads)[v.read.thread] = v.read;
    (*v.reads)[t] = access(x, t, now, where, held);
  }
}

void RaceDetector::write(sched::Execution& x, ThreadId t, VarShadow& v, ObjectRef var, sched::Location where,
                         const HeldLocks& held) {
  if (reported_) return;
  ThreadState& s = thread(t);
  const Clock now = s.clock.get(t);
  if (v.write.clock == now && v.write.thread == t) return;
  if (v.write.freed) [[unlikely]]
    return report_use_after_free(x, var, access(x, t, now, where, held), true, v.write);
  if (v.write.clock > s.clock.get(v.write.thread))
    return report(x, var, access(x, t, now, where, held), true, v.write, true);
  if (v.reads) {
    for (const Access& r : *v.reads)
      if (r.clock > s.clock.get(r.thread)) return report(x, var, access(x, t, now, where, held), true, r, false);
    v.reads.reset();
    v.read = {};
  } else if (v.read.clock > s.clock.get(v.read.thread)) {
    return report(x, var, access(x, t, now, where, held), true, v.read, false);
  }
  v.write = access(x, t, now, where, held);
}

void RaceDetector::free(sched::Execution& x, ThreadId t, VarShadow& v, ObjectRef var, sched::Location where,
                        const HeldLocks& held) {
  if (reported_) return;
  ThreadState& s = thread(t);
  const Clock now = s.clock.get(t);
  const Access freeing = access(x, t, now, where, held);
  if (v.write.freed) return report_use_after_free(x, var, freeing, true, v.write);
  if (v.write.clock > s.clock.get(v.write.thread)) return report_free_race(x, var, freeing, v.write, true);
  if (v.reads) {
    for (const Access& r : *v.reads)
      if (r.clock > s.clock.get(r.thread)) return report_free_race(x, var, freeing, r, false);
    v.reads.reset();
  } else if (v.read.clock > s.clock.get(v.read.thread)) {
    return report_free_race(x, var, freeing, v.read, false);
  }
  v.read = {};
  v.write = freeing;
  v.write.freed = true;
  // A new epoch: the freeing thread's own next access to the memory is not
  // the same-epoch repeat of this write (repeats_write), but a use.
  s.clock.tick();
}

VectorClock& RaceDetector::message(ObjectRef channel, std::uint64_t number) {
  auto& all = channels_[static_cast<unsigned>(channel.kind) % sched::kObjectKinds];
  if (channel.index >= all.size()) all.resize(channel.index + 1);
  MessageClocks& m = all[channel.index];
  if (number >= m.clocks.size()) {
    m.clocks.resize(number + 1);
    m.runs.resize(number + 1, 0);
  }
  if (m.runs[number] != run_) {
    m.runs[number] = run_;
    m.clocks[number].clear();
  }
  return m.clocks[number];
}

void RaceDetector::message_release(ThreadId t, ObjectRef channel, std::uint64_t number) {
  if (number != 0) release(t, message(channel, number));
}

void RaceDetector::message_acquire(ThreadId t, ObjectRef channel, std::uint64_t number) {
  if (number != 0) acquire(t, message(channel, number));
}

RaceDetector::BarrierState& RaceDetector::barrier(ObjectRef object) {
  if (object.index >= barriers_.size()) barriers_.resize(object.index + 1);
  BarrierState& b = barriers_[object.index];
  if (b.run != run_) {
    b.run = run_;
    b.used = 0;
    b.arrivals.clear();
    b.prefix.clear();
    b.prefix_phases = 0;
  }
  return b;
}

void RaceDetector::barrier_arrive(ThreadId t, ObjectRef object) {
  BarrierState& b = barrier(object);
  if (t >= b.arrivals.size()) b.arrivals.resize(t + 1, 0);
  const std::size_t phase = b.arrivals[t]++;
  if (phase >= b.phases.size()) {
    b.phases.resize(phase + 1);
    b.last.resize(phase + 1);
  }
  for (; b.used <= phase; ++b.used) b.phases[b.used].clear();
  b.last[phase] = t;
  ThreadState& s = thread(t);
  s.clock.join(b.phases[phase]);
  if (phase < b.prefix_phases) s.clock.release_into(b.prefix);
  release(t, b.phases[phase]);
}

void RaceDetector::barrier_wait(ThreadId t, ObjectRef object) {
  BarrierState& b = barrier(object);
  if (t >= b.arrivals.size()) b.arrivals.resize(t + 1, 0);
  if (b.arrivals[t] == 0) return;  // no arrival of its own: nothing known to wait for
  const std::size_t phase = b.arrivals[t] - 1;
  ThreadState& s = thread(t);
  if (phase + 1 >= b.prefix_phases) {
    for (; b.prefix_phases <= phase; ++b.prefix_phases) b.prefix.join(b.phases[b.prefix_phases]);
    s.clock.join(b.prefix);
  } else {
    for (std::size_t k = 0; k <= phase; ++k) s.clock.join(b.phases[k]);
  }
  if (b.last[phase] != t) threads_[t].clock.join(threads_[b.last[phase]].clock);
}

void RaceDetector::report(sched::Execution& x, ObjectRef var, const Access& now, bool now_writes,
                          const Access& before, bool before_wrote) {
  reported_ = true;
  auto held = [this, &x](const Access& a) {
    if (!x.recording()) return std::string();
    const LockSet& locks = locksets_seen_[a.locks];
    if (locks.empty()) return std::string(", no lock held");
    std::string out = ", holding ";
    for (std::size_t i = 0; i < locks.size(); ++i) out += (i ? ", " : "") + lock_text(locks[i]);
    return out;
  };
  std::string message = "data race on " + sched::object_name(var) + ": " + "T" + std::to_string(now.thread) +
                        (now_writes ? " writes at " : " reads at ") + site(now.where) + " (step " +
                        std::to_string(now.step) + held(now) + ") and " + "T" + std::to_string(before.thread) +
                        (before_wrote ? " wrote at " : " read at ") + site(before.where) + " (step " +
                        std::to_string(before.step) + held(before) + "), with no happens-before between them";
  // The racing thread goes on to its next scheduling point, where the
  // execution ends: a var access may be made where no exception may leave.
  x.fail_later(sched::Verdict::DataRace, std::move(message), now.where);
}

void RaceDetector::report_use_after_free(sched::Execution& x, ObjectRef var, const Access& use, bool use_writes,
                                         const Access& free) {
  reported_ = true;
  std::string message = "use after free of " + sched::object_name(var) + ": T" + std::to_string(use.thread) +
                        (use_writes ? " writes at " : " reads at ") + site(use.where) + " (step " +
                        std::to_string(use.step) + ") memory that T" + std::to_string(free.thread) + " freed at " +
                        site(free.where) + " (step " + std::to_string(free.step) + ")";
  x.fail_later(sched::Verdict::UseAfterFree, std::move(message), use.where);
}

void RaceDetector::report_free_race(sched::Execution& x, ObjectRef var, const Access& free, const Access& before,
                                    bool before_wrote) {
  reported_ = true;
  std::string message = "use after free of " + sched::object_name(var) + ", in another order: T" +
                        std::to_string(free.thread) + " frees at " + site(free.where) + " (step " +
                        std::to_string(free.step) + ") memory that T" + std::to_string(before.thread) +
                        (before_wrote ? " wrote at " : " read at ") + site(before.where) + " (step " +
                        std::to_string(before.step) + "), with no happens-before between them";
  x.fail_later(sched::Verdict::UseAfterFree, std::move(message), free.where);
}

}  // namespace weft::checkers
