#include "checkers/tsan_bridge.h"

#include <string>

#include "checkers/tsan_report.h"
#include "scheduler/tsan.h"

namespace weft::checkers {

using sched::Event;
using sched::ObjectKind;
using sched::ObjectRef;
using sched::OpKind;
using sched::acquires;
using sched::releases;

bool TsanBridge::active() noexcept { return sched::tsan::present(); }

void TsanBridge::begin(sched::Execution&) {
  by_key_.clear();
  cells_.clear();
  sequence_.clear();
  barriers_.clear();
  fences_.clear();
}

const void* TsanBridge::address(ObjectRef object, Role role, std::uint64_t sub) {
  const Key key{std::uint64_t{static_cast<std::uint8_t>(object.kind)} << 40 |
                    std::uint64_t{static_cast<std::uint8_t>(role)} << 32 | object.index,
                sub};
  auto [it, added] = by_key_.try_emplace(key, nullptr);
  if (added) it->second = &cells_.emplace_back(0);
  return it->second;
}

void TsanBridge::on_start(sched::Execution&, sched::ThreadId thread) {
  sched::tsan::acquire(address({ObjectKind::Thread, thread}, Role::Started));
}

void TsanBridge::on_record(sched::Execution&, const Event& e) {
  using sched::tsan::acquire;
  using sched::tsan::release;
  const ObjectKind kind = e.object.kind;
  switch (e.op) {
    case OpKind::Spawn:
      if (e.peer != sched::kNoThread) release(address({ObjectKind::Thread, e.peer}, Role::Started));
      return;
    case OpKind::End:
      release(address({ObjectKind::Thread, e.thread}, Role::Ended));
      return;
    case OpKind::Join:
      if (kind == ObjectKind::Thread) acquire(address(e.object, Role::Ended));
      return;
    case OpKind::Lock:
    case OpKind::TryLock:
      if (!sched::is_lock(kind) || e.failed()) return;
      acquire(address(e.object, Role::Exclusive));
      if (kind == ObjectKind::SharedMutex) acquire(address(e.object, Role::Shared));
      return;
    case OpKind::LockShared:
    case OpKind::TryLockShared:
      if (kind == ObjectKind::SharedMutex && !e.failed()) acquire(address(e.object, Role::Exclusive));
      return;
    case OpKind::Unlock:
      if (sched::is_lock(kind)) release(address(e.object, Role::Exclusive));
      return;
    case OpKind::UnlockShared:
      if (kind == ObjectKind::SharedMutex) release(address(e.object, Role::Shared));
      return;
    case OpKind::Acquire:
    case OpKind::TryAcquire:
      if (kind == ObjectKind::Semaphore && !e.failed()) acquire(address(e.object, Role::Released));
      return;
    case OpKind::Release:
      if (kind == ObjectKind::Semaphore) release(address(e.object, Role::Released));
      return;
    case OpKind::CountDown:
      if (kind == ObjectKind::Latch) release(address(e.object, Role::Released));
      return;
    case OpKind::Wait:
    case OpKind::TryWait:
      if (kind == ObjectKind::Latch && !e.failed()) acquire(address(e.object, Role::Released));
      if (kind == ObjectKind::Barrier) on_barrier(e);
      return;
    case OpKind::Arrive:
    case OpKind::Drop:
    case OpKind::Complete:
      if (kind == ObjectKind::Barrier) on_barrier(e);
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
      if (kind == ObjectKind::Atomic) on_atomic(e);
      return;
    case OpKind::Fence:
      on_fence(e);
      return;
    case OpKind::Send:
    case OpKind::Recv:
    case OpKind::Close:
      if (sched::is_channel(kind)) on_message(e);
      return;
    // Atomic sections exclude each other like one lock every section takes.
    case OpKind::AtomicBegin:
      acquire(address({}, Role::Exclusive));
      return;
    case OpKind::AtomicEnd:
      release(address({}, Role::Exclusive));
      return;
    case OpKind::Nondet:
    case OpKind::Kill:
    case OpKind::Crash:
    case OpKind::Exit:
    case OpKind::Poll:
    case OpKind::Detach:
    case OpKind::Yield:
    case OpKind::Sleep:
    case OpKind::Wake:
    case OpKind::NotifyOne:
    case OpKind::NotifyAll:
    case OpKind::Read:
    case OpKind::Write:
    case OpKind::SignalFence:
    case OpKind::Control:
      return;
  }
}

void TsanBridge::on_atomic(const Event& e) {
  std::uint32_t& sequence = sequence_[e.object.index];
  Fences& f = fences(e.thread);
  // A store heads a new release sequence: an acquire that reads it
  // synchronizes with its release, or with nothing. A read-modify-write
  // continues the release sequence it reads from.
  if (e.op == OpKind::Store) ++sequence;
  const void* released = address(e.object, Role::Released, sequence);
  if (e.op != OpKind::Store) {
    if (acquires(e.order))
      sched::tsan::acquire(released);
    else
      f.observed.push_back(released);
  }
  if (e.op == OpKind::Load || e.op == OpKind::CasFailure) return;
  if (releases(e.order) || f.released) sched::tsan::release(released);
}

void TsanBridge::on_fence(const Event& e) {
  Fences& f = fences(e.thread);
  if (acquires(e.order)) {
    for (const void* a : f.observed) sched::tsan::acquire(a);
    f.observed.clear();
  }
  if (releases(e.order)) f.released = true;
}

void TsanBridge::on_barrier(const Event& e) {
  Barrier& b = barriers_[e.object.index];
  if (e.op == OpKind::Arrive || e.op == OpKind::Drop) {
    // The completion function runs on the last arriver, after its arrival:
    // each arrival takes in the earlier ones, so the last has them all.
    const void* arrived = address(e.object, Role::Arrived, b.phase);
    sched::tsan::acquire(arrived);
    sched::tsan::release(arrived);
    if (e.thread >= b.arrived_in.size()) b.arrived_in.resize(e.thread + 1, 0);
    b.arrived_in[e.thread] = b.phase;
    return;
  }
  if (e.op == OpKind::Complete) {
    sched::tsan::release(address(e.object, Role::Completed, b.phase));
    ++b.phase;
    return;
  }
  if (e.thread < b.arrived_in.size())  // a wait: for the phase of its arrival
    sched::tsan::acquire(address(e.object, Role::Completed, b.arrived_in[e.thread]));
}

void TsanBridge::on_message(const Event& e) {
  // Message numbers are per channel; 0 is a close by the death of every
  // process using an end, which no thread released anything into.
  if (e.value == 0) return;
  const void* message = address(e.object, Role::Message, e.value);
  if ((e.op == OpKind::Send && !e.failed()) || e.op == OpKind::Close) sched::tsan::release(message);
  if ((e.op == OpKind::Recv && !e.failed()) || (e.flags & sched::kClosed)) sched::tsan::acquire(message);
}

void TsanBridge::on_event(sched::Execution& x, const Event&) { fail_with_report(x); }

void TsanBridge::end(sched::Execution& x) { fail_with_report(x); }

void TsanBridge::fail_with_report(sched::Execution& x) {
  std::string text;
  sched::Verdict kind = sched::Verdict::Misuse;
  if (!tsan_report::take(x, text, kind) || x.failure()) return;
  x.fail(kind, std::move(text));
}

}  // namespace weft::checkers
