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
    case ObjectKind::Pipe: return "pipe";
    case ObjectKind::Queue: return "queue";
    case ObjectKind::Process: return "process";
    case ObjectKind::Future: return "future";
    case ObjectKind::FdPipe: return "pipe";
    case ObjectKind::Socketpair: return "socketpair";
    case ObjectKind::Eventfd: return "eventfd";
    case ObjectKind::Epoll: return "epoll";
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
    case OpKind::Complete: return "complete";
    case OpKind::Send: return "send";
    case OpKind::Recv: return "recv";
    case OpKind::Close: return "close";
    case OpKind::Kill: return "kill";
    case OpKind::Crash: return "crash";
    case OpKind::Exit: return "exit";
    case OpKind::Poll: return "poll";
    case OpKind::Nondet: return "nondet";
    case OpKind::AtomicBegin: return "atomic_begin";
    case OpKind::AtomicEnd: return "atomic_end";
    case OpKind::Fence: return "fence";
    case OpKind::SignalFence: return "signal_fence";
    case OpKind::Control: return "control";
  }
  return "op";
}

void append(std::string& out, const std::string& part) {
  if (part.empty()) return;
  if (!out.empty()) out += ' ';
  out += part;
}

// message_verb is how message passing reads per kind: a queue is put to and
// got from, a future set and got, a process started and asked for its
// status; null where the generic verb says it.
const char* message_verb(OpKind op, ObjectKind kind) noexcept {
  if (kind == ObjectKind::Queue && op == OpKind::Send) return "put";
  if (kind == ObjectKind::Queue && op == OpKind::Recv) return "get";
  if (kind == ObjectKind::Future && op == OpKind::Send) return "set";
  if (kind == ObjectKind::Future && op == OpKind::Recv) return "get";
  if (kind == ObjectKind::Process && op == OpKind::Spawn) return "start";
  if (kind == ObjectKind::Process && op == OpKind::Poll) return "status";
  // Descriptors read and write; a socketpair's shutdown is traced as a close.
  const bool descriptor = kind == ObjectKind::FdPipe || kind == ObjectKind::Socketpair || kind == ObjectKind::Eventfd;
  if (descriptor && op == OpKind::Send) return "write";
  if (descriptor && op == OpKind::Recv) return "read";
  if (kind == ObjectKind::Epoll && op == OpKind::Poll) return "wait";
  return nullptr;
}

// exit_text names Event::value of a process.exit.
const char* exit_text(std::uint64_t value) noexcept {
  switch (value) {
    case 0: return "returned";
    case 1: return "killed";
    case 2: return "crashed";
    case 3: return "threw";
  }
  return "ended";
}

void append_message_detail(std::string& out, const Event& e) {
  if (e.object.kind == ObjectKind::Pipe || e.object.kind == ObjectKind::Socketpair)
    out += (e.flags & kEndB) ? "end B" : "end A";
  if (e.object.kind == ObjectKind::Process) {
    if (e.op == OpKind::Exit) out += exit_text(e.value);
    if (e.op == OpKind::Spawn && e.peer != kNoThread) out += "-> T" + std::to_string(e.peer);
    return;
  }
  if ((e.op == OpKind::Send || e.op == OpKind::Recv || e.op == OpKind::Close) && e.value != 0 &&
      !(e.flags & kClosed) && !(e.op == OpKind::Send && (e.flags & kFailed)))
    append(out, "msg " + std::to_string(e.value));
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

}  // namespace

std::string thread_name(ThreadId thread) {
  if (thread == kNoThread) return "weft's scheduler (no weft thread was running)";
  return "T" + std::to_string(thread);
}

std::string object_name(ObjectRef object) {
  if (object.kind == ObjectKind::None) return "";
  if (object.kind == ObjectKind::Thread) return "T" + std::to_string(object.index);
  return std::string(kind_name(object.kind)) + "#" + std::to_string(object.index);
}

std::string operation_name(OpKind op, ObjectKind kind) {
  if (kind == ObjectKind::None && op == OpKind::Poll) return "poll";  // poll() or select() over descriptors
  if (const char* v = message_verb(op, kind)) return std::string(kind_name(kind)) + "." + v;
  if (kind == ObjectKind::Process) return std::string("process.") + verb(op);
  if (op == OpKind::End || op == OpKind::Spawn) return std::string("thread.") + verb(op);
  return std::string(kind_name(kind)) + "." + verb(op);
}

std::string event_detail(const Event& e) {
  std::string out;
  const bool atomic = e.object.kind == ObjectKind::Atomic;
  if (is_channel(e.object.kind) || e.object.kind == ObjectKind::Process) {
    append_message_detail(out, e);
  } else if (e.op == OpKind::Spawn) {
    append(out, "-> T" + std::to_string(e.peer));
  }
  if ((e.op == OpKind::NotifyOne || e.op == OpKind::NotifyAll || e.op == OpKind::Release) && e.peer != kNoThread)
    append(out, "woke T" + std::to_string(e.peer));
  if (e.op == OpKind::CasFailure) append(out, "failed, saw");
  std::string v = value_text(e);
  if (!v.empty()) append(out, (e.op == OpKind::Load || e.op == OpKind::Read || e.op == OpKind::CasFailure ? "-> " : "= ") + v);
  const bool fence = e.op == OpKind::Fence || e.op == OpKind::SignalFence;
  if ((atomic && e.order != std::memory_order_seq_cst) || fence)
    append(out, std::string("(") + order_name(e.order) + ")");
  if (e.flags & kFailed) append(out, "failed");
  if (e.flags & kClosed) append(out, (e.flags & kFailed) ? "(closed)" : "closed");
  if (e.flags & kTimedOut) append(out, "timed out");
  if (e.flags & kSpurious) append(out, "spurious");
  if (e.flags & kFault) append(out, "(injected fault)");
  return out;
}

const char* base_name(const char* path) noexcept {
  if (!path) return "";
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

}  // namespace weft::sched
