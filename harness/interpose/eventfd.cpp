// eventfd, eventfd_read and eventfd_write: a counter made inside an
// execution is weft's. A write adds to it; a read takes all of it (or one,
// with EFD_SEMAPHORE), waiting while it is zero. Each write is a message
// number: the read that sees it (and a poll that reports it readable)
// happens after it.

#include <poll.h>
#include <sys/eventfd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "descriptors.h"
#include "real_io.h"

namespace weft::interpose {

namespace {
// kMaxCount is the largest count an eventfd holds.
constexpr std::uint64_t kMaxCount = ~std::uint64_t{0} - 1;

struct EventFile final : OpenFile {
  EventFile(ObjectRef r, std::uint64_t initial, bool semaphore_mode) noexcept
      : OpenFile(Type::Eventfd, r), count(initial), semaphore(semaphore_mode) {}

  std::uint32_t events(const Execution&) const override {
    return (count > 0 ? POLLIN | POLLRDNORM : 0) | (count < kMaxCount ? POLLOUT | POLLWRNORM : 0);
  }

  ssize_t read(Call& c, std::string& out, std::size_t max, int, bool&) override {
    if (max < sizeof count) return fail_errno(EINVAL);
    Execution& x = c.x;
    const Wait w{&x, this, c.fd, [](const Wait& wait) { return static_cast<const EventFile*>(wait.file)->count > 0; }};
    if (await(c, sched::OpKind::Recv, &w) == StepResult::Aborted) {
      leave(x);
      return fail_errno(EINTR);
    }
    if (count == 0) {
      record_io(x, *this, sched::OpKind::Recv, 0, sched::kFailed);
      return fail_errno(EAGAIN);
    }
    const std::uint64_t value = semaphore ? 1 : count;
    count -= value;
    for (std::uint64_t number : pending) record_io(x, *this, sched::OpKind::Recv, number);
    // The initial count was no write's: the read is still an operation
    // (and a blocked writer must look again).
    if (pending.empty()) record_io(x, *this, sched::OpKind::Recv, 0);
    if (count == 0) pending.clear();
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
    changed(x, POLLOUT | POLLWRNORM);
    return sizeof value;
  }

  ssize_t write(Call& c, std::string_view data, int) override {
    if (data.size() < sizeof count) return fail_errno(EINVAL);
    std::uint64_t value;
    std::memcpy(&value, data.data(), sizeof value);
    if (value == ~std::uint64_t{0}) return fail_errno(EINVAL);
    Execution& x = c.x;
    const Wait w{&x, this, c.fd,
                 [](const Wait& wait) {
                   const auto& e = *static_cast<const EventFile*>(wait.file);
                   return kMaxCount - e.count >= wait.need;
                 },
                 static_cast<std::size_t>(value)};
    if (await(c, sched::OpKind::Send, &w) == StepResult::Aborted) {
      leave(x);
      return fail_errno(EINTR);
    }
    if (kMaxCount - count < value) {
      record_io(x, *this, sched::OpKind::Send, 0, sched::kFailed);
      return fail_errno(EAGAIN);
    }
    count += value;
    const std::uint64_t number = ++numbers;
    pending.push_back(number);
    record_io(x, *this, sched::OpKind::Send, number);
    changed(x, POLLIN | POLLRDNORM);
    return sizeof value;
  }

  void acquire_readiness(Execution& x) const override {
    if (checkers::Checks* checks = detail::checks(x))
      for (std::uint64_t number : pending) checks->message_acquire(x.current(), ref, number);
  }

  std::uint64_t count;
  bool semaphore;
  std::vector<std::uint64_t> pending;  // the writes a read acquires: those since the count was last 0
  std::uint64_t numbers = 0;
};
}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int eventfd(unsigned initial, int flags) noexcept {
  Execution* x = controlling();
  if (!x) return real::eventfd(initial, flags);
  if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)) return fail_errno(EINVAL);
  const weft::sched::tsan::Unseen unseen;
  auto* file = x->arena().make<EventFile>(x->name_object(weft::sched::ObjectKind::Eventfd), initial,
                                          (flags & EFD_SEMAPHORE) != 0);
  file->nonblocking = (flags & EFD_NONBLOCK) != 0;
  return open_descriptor(*x, *file, (flags & EFD_CLOEXEC) != 0);
}

// glibc's own are read and write calls it makes internally, which weft
// would not see.
int eventfd_read(int fd, eventfd_t* value) {
  return read(fd, value, sizeof *value) == static_cast<ssize_t>(sizeof *value) ? 0 : -1;
}

int eventfd_write(int fd, eventfd_t value) {
  return write(fd, &value, sizeof value) == static_cast<ssize_t>(sizeof value) ? 0 : -1;
}

}  // extern "C"
