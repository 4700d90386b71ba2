// epoll instances: epoll_create, epoll_create1, epoll_ctl, epoll_wait and
// epoll_pwait over weft's descriptors.

#include "epoll.h"

#include <algorithm>
#include <cerrno>
#include <climits>

#include "descriptors.h"
#include "foreign_fds.h"
#include "io_calls.h"
#include "io_report.h"
#include "real_io.h"

namespace weft::interpose {

namespace {
// kAlways is what every item reports, asked for or not.
constexpr std::uint32_t kAlways = EPOLLERR | EPOLLHUP;
// kModes are the bits of an item's events that are not events.
constexpr std::uint32_t kModes = EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE | EPOLLWAKEUP;
}  // namespace

std::uint32_t EpollFile::reportable(const Execution& x, const EpollItem& item) const {
  if (item.disabled) return 0;
  return item.file->events(x) & ((item.event.events & ~kModes) | kAlways);
}

bool EpollFile::any_reportable(const Execution& x) const {
  for (const EpollItem* item : ready)
    if (reportable(x, *item)) return true;
  for (const EpollItem* item : items)
    if (!(item->event.events & EPOLLET) && reportable(x, *item)) return true;
  return false;
}

std::uint32_t EpollFile::events(const Execution& x) const { return any_reportable(x) ? (POLLIN | POLLRDNORM) : 0; }

void EpollFile::wake(EpollItem& item) {
  if (item.disabled || item.listed) return;
  const sched::tsan::Unseen unseen;
  item.listed = true;
  ready.push_back(&item);
}

EpollItem* EpollFile::find(const OpenFile* file, int fd) const {
  for (EpollItem* item : items)
    if (item->file == file && item->fd == fd) return item;
  return nullptr;
}

void EpollFile::remove(EpollItem& item) {
  const sched::tsan::Unseen unseen;
  items.erase(std::remove(items.begin(), items.end(), &item), items.end());
  ready.erase(std::remove(ready.begin(), ready.end(), &item), ready.end());
  auto& w = item.file->watchers;
  w.erase(std::remove(w.begin(), w.end(), &item), w.end());
  item.listed = false;
}

void EpollFile::released(Call& c) {
  while (!items.empty()) remove(*items.back());
  OpenFile::released(c);
}

void forget_watchers(Execution& x, OpenFile& file) {
  while (!file.watchers.empty()) {
    EpollItem& item = *file.watchers.back();
    x.note_change(item.epoll->ref);
    item.epoll->remove(item);
  }
}

namespace {
int create(int flags) {
  Execution* x = controlling();
  if (!x) return real::epoll_create1(flags);
  if (flags & ~EPOLL_CLOEXEC) return fail_errno(EINVAL);
  const sched::tsan::Unseen unseen;
  auto* file = x->arena().make<EpollFile>(x->name_object(sched::ObjectKind::Epoll));
  return open_descriptor(*x, *file, (flags & EPOLL_CLOEXEC) != 0);
}

int control(Target t, int epfd, int op, int fd, epoll_event* event, const void* caller) {
  Execution& x = *t.x;
  auto* ep = t.file->type == OpenFile::Type::Epoll ? static_cast<EpollFile*>(t.file) : nullptr;
  if (!ep) return fail_errno(EINVAL);
  if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL) return fail_errno(EINVAL);
  if (op != EPOLL_CTL_DEL && !event) return fail_errno(EFAULT);
  if (fd == epfd) return fail_errno(EINVAL);
  OpenFile* file = fds_of(x)->find(fd);
  if (!file) {
    if (!open_in_kernel(fd)) return fail_errno(EBADF);
    misuse_at(x,
              "calls epoll_ctl to watch fd " + std::to_string(fd) + ", which weft does not own, with " +
                  name_of(epfd, *ep) + ": weft's epoll instances watch the descriptors made inside the execution",
              caller);
    leave_if_ending(x);  // after the message's temporaries are gone
    return fail_errno(EPERM);
  }
  if (file->type == OpenFile::Type::Epoll) {
    misuse_at(x, "calls epoll_ctl to watch " + name_of(fd, *file) + " with " + name_of(epfd, *ep) +
                     ": weft does not support epoll instances inside epoll instances", caller);
    leave_if_ending(x);  // after the message's temporaries are gone
    return fail_errno(EINVAL);
  }
  Call c = call(t, epfd, "epoll_ctl", caller);
  const Pin pin(c);
  if (await(c, sched::OpKind::Control, nullptr) == StepResult::Aborted) {
    leave(x);
    return fail_errno(EINTR);
  }
  EpollItem* item = ep->find(file, fd);
  const sched::tsan::Unseen unseen;
  switch (op) {
    case EPOLL_CTL_ADD:
      if (item) return fail_errno(EEXIST);
      item = x.arena().make<EpollItem>();
      *item = EpollItem{ep, file, fd, *event, false, false};
      ep->items.push_back(item);
      file->watchers.push_back(item);
      break;
    case EPOLL_CTL_MOD:
      if (!item) return fail_errno(ENOENT);
      if ((event->events & EPOLLEXCLUSIVE) || (item->event.events & EPOLLEXCLUSIVE)) return fail_errno(EINVAL);
      item->event = *event;
      item->disabled = false;
      break;
    default:
      if (!item) return fail_errno(ENOENT);
      ep->remove(*item);
      item = nullptr;
      break;
  }
  // As the kernel does on ADD and MOD: an item whose events hold already
  // goes on the ready list.
  if (item && ep->reportable(x, *item)) ep->wake(*item);
  record_io(x, *ep, sched::OpKind::Control, 0);
  x.note_change(ep->ref);
  return 0;
}

bool reportable_now(const Wait& w) { return static_cast<const EpollFile*>(w.file)->any_reportable(*w.x); }

// collect reports up to `max` items: the listed ones in order (an
// edge-triggered item leaves the list, a one-shot one is disabled, a
// level-triggered one goes to the back), then level-triggered ones whose
// events hold though nothing woke them.
int collect(Execution& x, EpollFile& ep, epoll_event* out, int max) {
  int n = 0;
  std::vector<EpollItem*> again;
  // report adds `item` to the output if its events hold; a one-shot item
  // is disabled, a level-triggered one kept for the ready list.
  auto report = [&](EpollItem* item) {
    const std::uint32_t events = ep.reportable(x, *item);
    if (!events) return;
    item->file->acquire_readiness(x);
    out[n++] = epoll_event{events, item->event.data};
    if (item->event.events & EPOLLONESHOT)
      item->disabled = true;
    else if (!(item->event.events & EPOLLET))
      again.push_back(item);
  };
  const std::size_t listed = ep.ready.size();
  for (std::size_t i = 0; i < listed && n < max; ++i) {
    EpollItem* item = ep.ready.front();
    ep.ready.pop_front();
    item->listed = false;
    report(item);
  }
  for (EpollItem* item : ep.items) {
    if (n >= max) break;
    if (item->listed || (item->event.events & EPOLLET) ||
        std::find(again.begin(), again.end(), item) != again.end())
      continue;
    report(item);
  }
  for (EpollItem* item : again) ep.wake(*item);
  return n;
}

int wait(Target t, int epfd, epoll_event* events, int max, int timeout, const void* caller) {
  Execution& x = *t.x;
  if (t.file->type != OpenFile::Type::Epoll) return fail_errno(EINVAL);
  if (max <= 0 || max > INT_MAX / static_cast<int>(sizeof(epoll_event))) return fail_errno(EINVAL);
  if (!events) return fail_errno(EFAULT);
  auto& ep = static_cast<EpollFile&>(*t.file);
  Call c = call(t, epfd, "epoll_wait", caller, timeout == 0);
  const Pin pin(c);
  const Wait w{&x, &ep, epfd, &reportable_now};
  sched::Blocker b;
  b.ready = [](const void* state, ThreadId) {
    const auto& wait = *static_cast<const Wait*>(state);
    return wait.ready(wait);
  };
  b.describe = &wait_words;
  b.state = &w;
  const std::int64_t deadline = timeout < 0 ? sched::kNever : x.now() + std::int64_t{timeout} * 1'000'000;
  const StepResult r = deferred(x, [&] {
    return x.step(sched::OpKind::Poll, ep.ref, {}, timeout == 0 ? nullptr : &b, deadline);
  });
  if (r == StepResult::Aborted || !ep.use(x)) {
    leave(x);
    return fail_errno(EINTR);
  }
  const sched::tsan::Unseen unseen;
  const int n = collect(x, ep, events, max);
  sched::Event& e = record_io(x, ep, sched::OpKind::Poll, 0, r == StepResult::TimedOut ? sched::kTimedOut : 0);
  e.value = static_cast<std::uint64_t>(n);
  e.value_kind = sched::ValueKind::Unsigned;
  x.note_change(ep.ref);
  return n;
}
// foreign_epoll_wait waits on an epoll instance weft does not own: its
// kernel readiness is sampled, and the wait is on virtual time.
int foreign_epoll_wait(Execution& x, int epfd, epoll_event* events, int max, int timeout, const void* caller) {
  pollfd p{epfd, POLLIN, 0};
  const std::int64_t deadline = timeout < 0 ? sched::kNever : x.now() + std::int64_t{timeout} * 1'000'000;
  if (!foreign_wait(x, sample(&p, 1) != 0, deadline, "epoll_wait", epfd, caller)) return -1;
  return real::epoll_wait(epfd, events, max, 0);
}
}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int epoll_create(int size) noexcept {
  if (!controlling()) return real::epoll_create(size);
  if (size <= 0) return fail_errno(EINVAL);
  return create(0);
}

int epoll_create1(int flags) noexcept { return create(flags); }

int epoll_ctl(int epfd, int op, int fd, epoll_event* event) noexcept {
  const Target t = target(epfd);
  if (!t.x) return real::epoll_ctl(epfd, op, fd, event);
  if (!t.file) {
    const FdTable* fds = fds_of(*t.x);
    if (fds && fds->find(fd)) {
      misuse_at(*t.x, "calls epoll_ctl to watch " + name_of(fd, *fds->find(fd)) + " with fd " +
                          std::to_string(epfd) + ", an epoll instance weft does not own", __builtin_return_address(0));
      leave_if_ending(*t.x);  // after the message's temporaries are gone
      return fail_errno(EPERM);
    }
    return real::epoll_ctl(epfd, op, fd, event);
  }
  return control(t, epfd, op, fd, event, __builtin_return_address(0));
}

int epoll_wait(int epfd, epoll_event* events, int max, int timeout) {
  const Target t = target(epfd);
  if (!t.x) return real::epoll_wait(epfd, events, max, timeout);
  if (!t.file) return foreign_epoll_wait(*t.x, epfd, events, max, timeout, __builtin_return_address(0));
  return wait(t, epfd, events, max, timeout, __builtin_return_address(0));
}

// The signal mask is not modelled: weft delivers no signals to its threads.
int epoll_pwait(int epfd, epoll_event* events, int max, int timeout, const sigset_t* mask) {
  const Target t = target(epfd);
  if (!t.x) return real::epoll_pwait(epfd, events, max, timeout, mask);
  if (!t.file) return foreign_epoll_wait(*t.x, epfd, events, max, timeout, __builtin_return_address(0));
  return wait(t, epfd, events, max, timeout, __builtin_return_address(0));
}

}  // extern "C"
