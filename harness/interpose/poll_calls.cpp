// poll, ppoll, select and pselect over weft's descriptors (and others):
// one scheduling point that waits, until one of weft's descriptors has an
// event asked for or the timeout passes on the virtual clock (whether it
// times out first is explored, as for every timed wait). Descriptors weft
// does not own are sampled when the call starts and when it returns; a
// call that would wait on them alone for ever is Misuse.

#include <poll.h>
#include <sys/select.h>

#include <cerrno>
#include <string>
#include <vector>

#include "clocks.h"
#include "foreign_fds.h"
#include "io_calls.h"
#include "real_io.h"

extern "C" [[noreturn]] void __chk_fail(void);

namespace weft::interpose {

namespace {
// Watched is one of weft's descriptors in a poll set.
struct Watched {
  std::size_t index;  // in the caller's pollfd array
  const OpenFile* file;
};

// PollSet is what a waiting poll's blocker reads.
struct PollSet {
  const Execution* x;
  const pollfd* fds;
  std::vector<Watched> weft;
  const char* name;
};

short revents_of(const Execution& x, const OpenFile& file, short asked) {
  return static_cast<short>(file.events(x) & static_cast<std::uint32_t>(asked | POLLERR | POLLHUP));
}

bool any_ready(const void* state, ThreadId) {
  const auto& set = *static_cast<const PollSet*>(state);
  for (const Watched& w : set.weft)
    if (revents_of(*set.x, *w.file, set.fds[w.index].events)) return true;
  return false;
}

void describe(const void* state, ThreadId, std::string& out) {
  const auto& set = *static_cast<const PollSet*>(state);
  out += std::string("(") + set.name + " for ";
  for (std::size_t i = 0; i < set.weft.size(); ++i) {
    if (i) out += ", ";
    out += name_of(set.fds[set.weft[i].index].fd, *set.weft[i].file);
  }
  out += ")";
}

// poll_until is poll(2) with an absolute virtual deadline (kNever: none).
int poll_until(Execution& x, pollfd* fds, nfds_t n, std::int64_t deadline, const char* name, const void* caller) {
  if (n > (1u << 20)) return fail_errno(EINVAL);
  if (n && !fds) return fail_errno(EFAULT);
  const sched::tsan::Unseen unseen;
  const FdTable* table = fds_of(x);
  // In the arena, not on the stack: a thread that never returns from the
  // wait (a deadlock) is abandoned with its stack, and the arena still
  // frees what they hold when the execution ends.
  PollSet& set = *x.arena().make<PollSet>(PollSet{&x, fds, {}, name});
  auto& foreign = *x.arena().make<std::vector<pollfd>>();
  auto& foreign_at = *x.arena().make<std::vector<std::size_t>>();
  for (nfds_t i = 0; i < n; ++i) {
    fds[i].revents = 0;
    if (fds[i].fd < 0) continue;
    if (const OpenFile* f = table ? table->find(fds[i].fd) : nullptr) {
      set.weft.push_back({i, f});
    } else {
      foreign.push_back(fds[i]);
      foreign_at.push_back(i);
    }
  }
  const bool foreign_ready = sample(foreign.data(), foreign.size()) > 0;
  StepResult r = StepResult::Ready;
  if (set.weft.empty() && !foreign.empty()) {
    if (!foreign_wait(x, foreign_ready, deadline, name, foreign.front().fd, caller)) return -1;
  } else {
    sched::Blocker b;
    b.ready = &any_ready;
    b.describe = &describe;
    b.state = &set;
    const bool waits = !foreign_ready && deadline > x.now();
    r = deferred(x, [&] { return x.step(sched::OpKind::Poll, {}, {}, waits ? &b : nullptr, deadline); });
    if (r == StepResult::Aborted) {
      leave(x);
      return fail_errno(EINTR);
    }
  }
  int count = 0;
  for (const Watched& w : set.weft) {
    pollfd& p = fds[w.index];
    p.revents = revents_of(x, *w.file, p.events);
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) w.file->acquire_readiness(x);
    count += p.revents != 0;
  }
  if (sample(foreign.data(), foreign.size()) > 0) {
    for (std::size_t i = 0; i < foreign.size(); ++i) {
      fds[foreign_at[i]].revents = foreign[i].revents;
      count += foreign[i].revents != 0;
    }
  }
  sched::Event& e = detail::record_op(x, sched::OpKind::Poll, {}, kNowhere,
                                      r == StepResult::TimedOut ? sched::kTimedOut : 0);
  e.value = static_cast<std::uint64_t>(count);
  e.value_kind = sched::ValueKind::Unsigned;
  return count;
}

std::int64_t deadline_in(const Execution& x, int timeout_ms) noexcept {
  return timeout_ms < 0 ? sched::kNever : x.now() + std::int64_t{timeout_ms} * 1'000'000;
}

// Select's sets, as poll(2) events (the kernel's POLLIN_SET, POLLOUT_SET
// and POLLEX_SET).
constexpr short kSelectIn = POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR;
constexpr short kSelectOut = POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR;

int select_until(Execution& x, int nfds, fd_set* in, fd_set* out, fd_set* except, std::int64_t deadline,
                 const char* name, const void* caller) {
  if (nfds < 0) return fail_errno(EINVAL);
  if (nfds > FD_SETSIZE) nfds = FD_SETSIZE;
  const FdTable* table = fds_of(x);
  std::vector<pollfd> fds;
  for (int fd = 0; fd < nfds; ++fd) {
    short events = 0;
    if (in && FD_ISSET(fd, in)) events |= POLLIN;
    if (out && FD_ISSET(fd, out)) events |= POLLOUT;
    if (except && FD_ISSET(fd, except)) events |= POLLPRI;
    if (!events) continue;
    if (!(table && table->find(fd)) && !open_in_kernel(fd)) return fail_errno(EBADF);
    fds.push_back(pollfd{fd, events, 0});
  }
  const int r = poll_until(x, fds.data(), fds.size(), deadline, name, caller);
  if (r < 0) return r;
  if (in) FD_ZERO(in);
  if (out) FD_ZERO(out);
  if (except) FD_ZERO(except);
  int count = 0;
  for (const pollfd& p : fds) {
    if ((p.events & POLLIN) && (p.revents & kSelectIn)) {
      FD_SET(p.fd, in);
      ++count;
    }
    if ((p.events & POLLOUT) && (p.revents & kSelectOut)) {
      FD_SET(p.fd, out);
      ++count;
    }
    if ((p.events & POLLPRI) && (p.revents & POLLPRI)) {
      FD_SET(p.fd, except);
      ++count;
    }
  }
  return count;
}

// remaining is what is left of a timeout when the call returns (Linux
// writes it back into select's timeval).
std::int64_t remaining(const Execution& x, std::int64_t deadline) noexcept {
  return deadline == sched::kNever || deadline <= x.now() ? 0 : deadline - x.now();
}
}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int poll(pollfd* fds, nfds_t n, int timeout) {
  Execution* x = controlling();
  if (!x) return real::poll(fds, n, timeout);
  return poll_until(*x, fds, n, deadline_in(*x, timeout), "poll", __builtin_return_address(0));
}

// The signal masks of ppoll, pselect (and epoll_pwait) are not modelled:
// weft delivers no signals to its threads.
int ppoll(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask) {
  Execution* x = controlling();
  if (!x) return real::ppoll(fds, n, timeout, mask);
  if (timeout && (!valid(*timeout) || timeout->tv_sec < 0)) return fail_errno(EINVAL);
  return poll_until(*x, fds, n, timeout ? deadline_after(x->now(), *timeout) : weft::sched::kNever, "ppoll",
                    __builtin_return_address(0));
}

// _FORTIFY_SOURCE's poll and ppoll, when the array's size is known.
int __poll_chk(pollfd* fds, nfds_t n, int timeout, size_t size) {
  if (size / sizeof *fds < n) __chk_fail();
  return poll(fds, n, timeout);
}
int __ppoll_chk(pollfd* fds, nfds_t n, const timespec* timeout, const sigset_t* mask, size_t size) {
  if (size / sizeof *fds < n) __chk_fail();
  return ppoll(fds, n, timeout, mask);
}

int select(int nfds, fd_set* in, fd_set* out, fd_set* except, timeval* timeout) {
  Execution* x = controlling();
  if (!x) return real::select(nfds, in, out, except, timeout);
  if (timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1'000'000))
    return fail_errno(EINVAL);
  const std::int64_t deadline =
      timeout ? x->now() + std::int64_t{timeout->tv_sec} * 1'000'000'000 + std::int64_t{timeout->tv_usec} * 1000
              : weft::sched::kNever;
  const int r = select_until(*x, nfds, in, out, except, deadline, "select", __builtin_return_address(0));
  if (r >= 0 && timeout) {
    const std::int64_t left = remaining(*x, deadline);
    timeout->tv_sec = static_cast<time_t>(left / 1'000'000'000);
    timeout->tv_usec = static_cast<suseconds_t>(left % 1'000'000'000 / 1000);
  }
  return r;
}

int pselect(int nfds, fd_set* in, fd_set* out, fd_set* except, const timespec* timeout, const sigset_t* mask) {
  Execution* x = controlling();
  if (!x) return real::pselect(nfds, in, out, except, timeout, mask);
  if (timeout && (!valid(*timeout) || timeout->tv_sec < 0)) return fail_errno(EINVAL);
  return select_until(*x, nfds, in, out, except, timeout ? deadline_after(x->now(), *timeout) : weft::sched::kNever,
                      "pselect", __builtin_return_address(0));
}

}  // extern "C"
