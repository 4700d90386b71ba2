#include "checkers/race_detector.h"

#include <algorithm>

#include "scheduler/trace.h"

namespace weft::checkers {

using sched::Event;
using sched::ObjectKind;
using sched::ObjectRef;
using sched::OpKind;
using sched::acquires;
using sched::releases;
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
}  // namespace

void RaceDetector::begin(sched::Execution&) {
  ++run_;
  reported_ = false;
  if (locksets_.empty()) intern({});
  start_thread(0);
}

RaceDetector::ThreadState& RaceDetector::thread(ThreadId t) {
  if (t >= threads_.size() || thread_run_[t] != run_) start_thread(t);
  return threads_[t];
}

void RaceDetector::start_thread(ThreadId t) {
  if (t >= threads_.size()) {
    threads_.resize(t + 1);
    thread_run_.resize(t + 1, 0);
  }
  ThreadState& s = threads_[t];
  thread_run_[t] = run_;
  s.clock.clear();
  s.clock.set(t, 1);
  s.locks = 0;
}

RaceDetector::SyncState& RaceDetector::sync(ObjectRef object) {
  auto& all = sync_[static_cast<unsigned>(object.kind) & 15];
  if (object.index >= all.size()) all.resize(object.index + 1);
  SyncState& s = all[object.index];
  if (s.run != run_) {
    s.run = run_;
    s.clock.clear();
    s.shared.clear();
  }
  return s;
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

RaceDetector::VarState& RaceDetector::var(ObjectRef object) {
  if (object.index >= vars_.size()) vars_.resize(object.index + 1);
  VarState& v = vars_[object.index];
  if (v.run != run_) {
    v.run = run_;
    v.write = {};
    v.read = {};
    v.shared = false;
  }
  return v;
}

void RaceDetector::release(ThreadId id, ThreadState& t, VectorClock& into) {
  into.join(t.clock);
  t.clock.tick(id);  // what the thread does next is not part of this release
}

std::uint32_t RaceDetector::intern(const std::vector<std::uint64_t>& locks) {
  auto [it, added] = lockset_ids_.try_emplace(locks, static_cast<std::uint32_t>(locksets_.size()));
  if (added) locksets_.push_back({locks, {}});
  return it->second;
}

void RaceDetector::hold(ThreadState& t, ObjectRef lock, bool shared, bool taking) {
  const std::uint64_t key = lock_key(lock, shared);
  const std::uint64_t edge = key << 1 | std::uint64_t{taking};
  for (const auto& [e, to] : locksets_[t.locks].next) {
    if (e == edge) {
      t.locks = to;
      return;
    }
  }
  std::vector<std::uint64_t> locks = locksets_[t.locks].locks;
  if (taking) {
    locks.insert(std::upper_bound(locks.begin(), locks.end(), key), key);
  } else if (auto it = std::lower_bound(locks.begin(), locks.end(), key); it != locks.end() && *it == key) {
    locks.erase(it);
  }
  const std::uint32_t to = intern(locks);  // may grow locksets_
  locksets_[t.locks].next.emplace_back(edge, to);
  t.locks = to;
}

void RaceDetector::on_event(sched::Execution& x, const Event& e) {
  if (reported_ || e.thread == sched::kNoThread) return;
  ThreadState& t = thread(e.thread);
  const ObjectKind kind = e.object.kind;
  switch (e.op) {
    case OpKind::Read:
      if (kind == ObjectKind::Var) on_read(x, e, t);
      return;
    case OpKind::Write:
      if (kind == ObjectKind::Var) on_write(x, e, t);
      return;
    case OpKind::Spawn: {
      if (e.peer == sched::kNoThread) return;
      start_thread(e.peer);
      ThreadState& parent = threads_[e.thread];  // start_thread may have moved it
      ThreadState& child = threads_[e.peer];
      child.clock.join(parent.clock);
      parent.clock.tick(e.thread);
      return;
    }
    case OpKind::Join:
      if (kind == ObjectKind::Thread && e.object.index < threads_.size() && e.object.index != e.thread) {
        const VectorClock& target = thread(e.object.index).clock;
        threads_[e.thread].clock.join(target);
      }
      return;
    case OpKind::Lock:
    case OpKind::TryLock:
      if (!sched::is_lock(kind) || e.failed()) return;
      acquire(t, sync(e.object).clock);
      if (kind == ObjectKind::SharedMutex) acquire(t, sync(e.object).shared);
      hold(t, e.object, false, true);
      return;
    case OpKind::LockShared:
    case OpKind::TryLockShared:
      if (kind != ObjectKind::SharedMutex || e.failed()) return;
      acquire(t, sync(e.object).clock);
      hold(t, e.object, true, true);
      return;
    case OpKind::Unlock:
      if (!sched::is_lock(kind)) return;
      release(e.thread, t, sync(e.object).clock);
      hold(t, e.object, false, false);
      return;
    case OpKind::UnlockShared:
      if (kind != ObjectKind::SharedMutex) return;
      release(e.thread, t, sync(e.object).shared);
      hold(t, e.object, true, false);
      return;
    case OpKind::Acquire:
    case OpKind::TryAcquire:
      if (kind == ObjectKind::Semaphore && !e.failed()) acquire(t, sync(e.object).clock);
      return;
    case OpKind::Release:
      if (kind == ObjectKind::Semaphore) release(e.thread, t, sync(e.object).clock);
      return;
    case OpKind::CountDown:
      if (kind == ObjectKind::Latch) release(e.thread, t, sync(e.object).clock);
      return;
    case OpKind::Wait:
    case OpKind::TryWait:
      if (kind == ObjectKind::Latch && !e.failed()) acquire(t, sync(e.object).clock);
      if (kind == ObjectKind::Barrier) on_barrier(e, t);
      return;
    case OpKind::Arrive:
    case OpKind::Drop:
      if (kind == ObjectKind::Barrier) on_barrier(e, t);
      return;
    case OpKind::Load:
    case OpKind::Store:
    case OpKind::Exchange:
    case OpKind::CasSuccess:
    case OpKind::CasFailure:
    case OpKind::FetchAdd:
    case OpKind::FetchSub:
    case OpKind::FetchAnd:
    case OpKind::FetchOr:
    case OpKind::FetchXor:
      if (kind == ObjectKind::Atomic) on_atomic(e, t);
      return;
    case OpKind::Send:
    case OpKind::Recv:
    case OpKind::Close:
      if (sched::is_channel(kind)) on_message(e, t);
      return;
    case OpKind::Kill:
    case OpKind::Crash:
    case OpKind::Exit:
    case OpKind::Poll:
    // Atomic sections (the SV-COMP conventions) exclude each other like one
    // lock that every section takes: the object of kind None stands for it.
    case OpKind::AtomicBegin:
      acquire(t, sync({}).clock);
      return;
    case OpKind::AtomicEnd:
      release(e.thread, t, sync({}).clock);
      return;
    case OpKind::Nondet:
    case OpKind::Detach:
    case OpKind::End:
    case OpKind::Yield:
    case OpKind::Sleep:
    case OpKind::Wake:
    case OpKind::NotifyOne:
    case OpKind::NotifyAll:
    case OpKind::Complete:  // the last arrival's clock stands for it (see on_barrier)
      return;
  }
}

void RaceDetector::on_atomic(const Event& e, ThreadState& t) {
  SyncState& a = sync(e.object);
  switch (e.op) {
    case OpKind::Load:
    case OpKind::CasFailure:
      if (acquires(e.order)) acquire(t, a.clock);
      return;
    case OpKind::Store:
      // A store heads a new release sequence: what an acquire that reads it
      // synchronizes with is this store's release, or nothing (C++20).
      a.clock.clear();
      if (releases(e.order)) release(e.thread, t, a.clock);
      return;
    default:
      // A read-modify-write reads the latest value, so it continues the
      // release sequence it reads from, and adds its own release to it.
      if (acquires(e.order)) acquire(t, a.clock);
      if (releases(e.order)) release(e.thread, t, a.clock);
      return;
  }
}

VectorClock& RaceDetector::message(ObjectRef channel, std::uint64_t number) {
  auto& all = channels_[static_cast<unsigned>(channel.kind) & 15];
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

void RaceDetector::on_message(const Event& e, ThreadState& t) {
  // Number 0 is a close by the death of every process using an end: no
  // thread released anything into it.
  if (e.value == 0) return;
  const bool releases_message = (e.op == OpKind::Send && !e.failed()) || e.op == OpKind::Close;
  const bool acquires_message = (e.op == OpKind::Recv && !e.failed()) || (e.flags & sched::kClosed);
  if (releases_message) release(e.thread, t, message(e.object, e.value));
  if (acquires_message) acquire(t, message(e.object, e.value));
}

void RaceDetector::on_barrier(const Event& e, ThreadState& t) {
  BarrierState& b = barrier(e.object);
  if (e.thread >= b.arrivals.size()) b.arrivals.resize(e.thread + 1, 0);
  if (e.op == OpKind::Arrive || e.op == OpKind::Drop) {
    const std::size_t phase = b.arrivals[e.thread]++;
    if (phase >= b.phases.size()) {
      b.phases.resize(phase + 1);
      b.last.resize(phase + 1);
    }
    for (; b.used <= phase; ++b.used) b.phases[b.used].clear();
    b.last[phase] = e.thread;
    // Every arrival happens before the phase's completion step, which runs
    // on the last arriver: each arrival acquires the earlier ones.
    acquire(t, b.phases[phase]);
    if (phase < b.prefix_phases) b.prefix.join(t.clock);
    release(e.thread, t, b.phases[phase]);
    return;
  }
  if (b.arrivals[e.thread] == 0) return;  // no arrival of its own: nothing known to wait for
  const std::size_t phase = b.arrivals[e.thread] - 1;
  if (phase + 1 >= b.prefix_phases) {
    for (; b.prefix_phases <= phase; ++b.prefix_phases) b.prefix.join(b.phases[b.prefix_phases]);
    acquire(t, b.prefix);
  } else {
    for (std::size_t k = 0; k <= phase; ++k) acquire(t, b.phases[k]);
  }
  if (b.last[phase] != e.thread) acquire(t, threads_[b.last[phase]].clock);
}

void RaceDetector::on_read(sched::Execution& x, const Event& e, ThreadState& t) {
  VarState& v = var(e.object);
  const ThreadId me = e.thread;
  const Clock now = t.clock.get(me);
  // Same epoch: this thread already read since its last release.
  if (!v.shared && v.read.clock == now && v.read.thread == me) return;
  if (v.shared && me < v.reads.size() && v.reads[me].clock == now) return;
  const Access access{me, now, e.step, e.where, t.locks};
  if (v.write.clock > t.clock.get(v.write.thread)) return report(x, e, access, false, v.write, true);
  if (v.shared) {
    if (me >= v.reads.size()) v.reads.resize(me + 1);
    v.reads[me] = access;
  } else if (v.read.clock == 0 || v.read.clock <= t.clock.get(v.read.thread)) {
    v.read = access;  // the last read happens before this one: one epoch still suffices
  } else {
    // Two concurrent reads: keep one per thread from now on.
    v.shared = true;
    v.reads.assign(std::max<std::size_t>(std::max(me, v.read.thread) + 1, threads_.size()), Access{});
    v.reads[v.read.thread] = v.read;
    v.reads[me] = access;
  }
}

void RaceDetector::on_write(sched::Execution& x, const Event& e, ThreadState& t) {
  VarState& v = var(e.object);
  const ThreadId me = e.thread;
  const Clock now = t.clock.get(me);
  if (v.write.clock == now && v.write.thread == me) return;
  const Access access{me, now, e.step, e.where, t.locks};
  if (v.write.clock > t.clock.get(v.write.thread)) return report(x, e, access, true, v.write, true);
  if (v.shared) {
    for (const Access& r : v.reads)
      if (r.clock > t.clock.get(r.thread)) return report(x, e, access, true, r, false);
    v.shared = false;
    v.read = {};
  } else if (v.read.clock > t.clock.get(v.read.thread)) {
    return report(x, e, access, true, v.read, false);
  }
  v.write = access;
}

namespace {
std::string site(const sched::Location& where) {
  if (!where.line) return "an unknown location";
  return std::string(sched::base_name(where.file)) + ":" + std::to_string(where.line);
}
}  // namespace

void RaceDetector::report(sched::Execution& x, const Event& e, const Access& now, bool now_writes,
                          const Access& before, bool before_wrote) {
  reported_ = true;
  auto held = [this](const Access& a) {
    const std::vector<std::uint64_t>& locks = locksets_[a.locks].locks;
    if (locks.empty()) return std::string("no lock held");
    std::string out = "holding ";
    std::uint64_t previous = ~std::uint64_t{0};
    for (std::uint64_t key : locks) {
      if (key == previous) continue;  // a recursive mutex locked more than once
      if (previous != ~std::uint64_t{0}) out += ", ";
      out += lock_text(key);
      previous = key;
    }
    return out;
  };
  std::string message = "data race on " + sched::object_name(e.object) + ": " + "T" + std::to_string(now.thread) +
                        (now_writes ? " writes at " : " reads at ") + site(now.where) + " (step " +
                        std::to_string(now.step) + ", " + held(now) + ") and " + "T" + std::to_string(before.thread) +
                        (before_wrote ? " wrote at " : " read at ") + site(before.where) + " (step " +
                        std::to_string(before.step) + ", " + held(before) +
                        "), with no happens-before between them";
  x.fail(sched::Verdict::DataRace, std::move(message), e.where);
}

}  // namespace weft::checkers
