#include "io_calls.h"

#include <sys/socket.h>

#include <climits>
#include <cstring>

namespace weft::interpose {

bool valid_iov(const iovec* iov, int count) noexcept {
  if (count < 0 || count > IOV_MAX) {
    errno = EINVAL;
    return false;
  }
  if (count > 0 && !iov) {
    errno = EFAULT;
    return false;
  }
  for (int i = 0; i < count; ++i) {
    if (!iov[i].iov_base && iov[i].iov_len) {
      errno = EFAULT;
      return false;
    }
  }
  return true;
}

std::string gather(const iovec* iov, int count) {
  std::string out;
  out.reserve(capacity_of(iov, count));
  for (int i = 0; i < count; ++i) out.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
  return out;
}

std::size_t capacity_of(const iovec* iov, int count) noexcept {
  std::size_t n = 0;
  for (int i = 0; i < count; ++i) n += iov[i].iov_len;
  return n;
}

void scatter(std::string_view bytes, const iovec* iov, int count) noexcept {
  for (int i = 0; i < count && !bytes.empty(); ++i) {
    const std::size_t n = std::min(bytes.size(), iov[i].iov_len);
    std::memcpy(iov[i].iov_base, bytes.data(), n);
    bytes.remove_prefix(n);
  }
}

ssize_t receive(Target t, int fd, const char* name, const iovec* iov, int count, int flags, const void* caller,
                bool* truncated) {
  const sched::tsan::Unseen unseen;
  if (!valid_iov(iov, count)) return -1;
  Call c = call(t, fd, name, caller, (flags & MSG_DONTWAIT) != 0);
  const Pin pin(c);
  // A read waits with nothing taken, but MSG_WAITALL waits with bytes in
  // hand: those live in the arena, which frees them even if the thread is
  // abandoned in its wait (a deadlock).
  std::string empty;
  std::string& got = (flags & MSG_WAITALL) ? *t.x->arena().make<std::string>() : empty;
  bool cut = false;
  const ssize_t r = c.file.read(c, got, capacity_of(iov, count), flags, cut);
  if (r >= 0) scatter(got, iov, count);
  if (truncated) *truncated = cut;
  return r;
}

ssize_t transmit(Target t, int fd, const char* name, const iovec* iov, int count, int flags, const void* caller) {
  const sched::tsan::Unseen unseen;
  if (!valid_iov(iov, count)) return -1;
  Call c = call(t, fd, name, caller, (flags & MSG_DONTWAIT) != 0);
  const Pin pin(c);
  // A write may wait with its bytes: one buffer is read where it is, several
  // are gathered in the arena (not on a stack an abandoned thread drops).
  if (count == 1) return c.file.write(c, std::string_view(static_cast<const char*>(iov[0].iov_base), iov[0].iov_len), flags);
  return c.file.write(c, *t.x->arena().make<std::string>(gather(iov, count)), flags);
}

}  // namespace weft::interpose
