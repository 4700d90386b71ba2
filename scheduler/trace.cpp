#include "scheduler/trace.h"

#include <cstring>

namespace weft::sched {

namespace {
const char* kind_name(ObjectKind kind) noexcept {
  switch (kind) {
    case ObjectKind::None: return "this_thread";
    case ObjectKind::Thread: return "thread";
    case ObjectKind::Mutex: return "mutex";
    case ObjectKind::SharedMutex: return "shared_mutex";
    case ObjectKind::Condvar: return "condvar";
    case ObjectKind::Semaphore: return "semaphore";
    case ObjectKind::Latch: return "latch";
    case ObjectKind::Barrier: return "barrier";
    case ObjectKind::Atomic: return "atomic";
    case ObjectKind::Var: return "var";
  }
  return "object";
}

const char* verb(OpKind op) noexcept {
  switch (op) {
    case OpKind::Spawn: return "spawn";
    case OpKind::Join: return "join";
    case OpKind::Detach: return "detach";
    case OpKind::End: return "end";
    case OpKind::Yield: return "yield";
    case OpKind::Sleep: return "sleep";
    case OpKind::Lock: return "lock";
    case OpKind::TryLock: return "try_lock";
    case OpKind::Unlock: return "unlock";
    case OpKind::LockShared: return "lock_shared";
    case OpKind::TryLockShared: return "try_lock_shared";
    case OpKind::UnlockShared: return "unlock_shared";
    case OpKind::Wait: return "wait";
    case OpKind::Wake: return "wake";
    case OpKind::NotifyOne: return "notify_one";
    case OpKind::NotifyAll: return "notify_all";
    case OpKind::Acquire: return "acquire";
    case OpKind::TryAcquire: return "try_acquire";
    case OpKind::Release: return "release";
    case OpKind::CountDown: return "count_down";
    case OpKind::TryWait: return "try_wait";
    case OpKind::Arrive: return "arrive";
    case OpKind::Drop: return "arrive_and_drop";
    case OpKind::Load: return "load";
    case OpKind::Store: return "store";
    case OpKind::Exchange: return "exchange";
    case OpKind::CasSuccess: return "compare_exchange";
    case OpKind::CasFailure: return "compare_exchange";
    case OpKind::FetchAdd: return "fetch_add";
    case OpKind::FetchSub: return "fetch_sub";
    case OpKind::FetchAnd: return "fetch_and";
    case OpKind::FetchOr: return "fetch_or";
    case OpKind::FetchXor: return "fetch_xor";
    case OpKind::Read: return "read";
    case OpKind::Write: return "write";
    case OpKind::Nondet: return "nondet";
    case OpKind::AtomicBegin: return "atomic_begin";
    case OpKind::AtomicEnd: return "atomic_end";
  }
  return "op";
}

std::string value_text(const Event& e) {
  switch (e.value_kind) {
    case ValueKind::None: return "";
    case ValueKind::Unsigned: return std::to_string(e.value);
    case ValueKind::Signed: return std::to_string(static_cast<std::int64_t>(e.value));
    case ValueKind::Bool: return e.value ? "true" : "false";
  }
  return "";
}

const char* order_name(std::memory_order order) noexcept {
  switch (order) {
    case std::memory_order_relaxed: return "relaxed";
    case std::memory_order_consume: return "consume";
    case std::memory_order_acquire: return "acquire";
    case std::memory_order_release: return "release";
    case std::memory_order_acq_rel: return "acq_rel";
    case std::memory_order_seq_cst: return "seq_cst";
  }
  return "";
}

void append(std::string& out, const std::string& part) {
  if (part.empty()) return;
  if (!out.empty()) out += ' ';
  out += part;
}
}  // namespace

std::string object_name(ObjectRef object) {
  if (object.kind == ObjectKind::None) return "";
  if (object.kind == ObjectKind::Thread) return "T" + std::to_string(object.index);
  return std::string(kind_name(object.kind)) + "#" + std::to_string(object.index);
}

std::string operation_name(OpKind op, ObjectKind kind) {
  if (op == OpKind::End || op == OpKind::Spawn) return std::string("thread.") + verb(op);
  return std::string(kind_name(kind)) + "." + verb(op);
}

std::string event_detail(const Event& e) {
  std::string out;
  const bool atomic = e.object.kind == ObjectKind::Atomic;
  if (e.op == OpKind::Spawn) append(out, "-> T" + std::to_string(e.peer));
  if ((e.op == OpKind::NotifyOne || e.op == OpKind::NotifyAll || e.op == OpKind::Release) && e.peer != kNoThread)
    append(out, "woke T" + std::to_string(e.peer));
  if (e.op == OpKind::CasFailure) append(out, "failed, saw");
  std::string v = value_text(e);
  if (!v.empty()) append(out, (e.op == OpKind::Load || e.op == OpKind::Read || e.op == OpKind::CasFailure ? "-> " : "= ") + v);
  if (atomic && e.order != std::memory_order_seq_cst) append(out, std::string("(") + order_name(e.order) + ")");
  if (e.flags & kFailed) append(out, "failed");
  if (e.flags & kTimedOut) append(out, "timed out");
  if (e.flags & kSpurious) append(out, "spurious");
  return out;
}

const char* base_name(const char* path) noexcept {
  if (!path) return "";
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

}  // namespace weft::sched
