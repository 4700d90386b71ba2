#pragma once
// The epoll instances weft makes: interest lists over open file
// descriptions, woken as the kernel wakes them, level- or edge-triggered.

#include <sys/epoll.h>

#include <deque>
#include <vector>

#include "open_file.h"

namespace weft::interpose {

struct EpollFile;

// EpollItem is one entry of an interest list: the description and the
// number it was added with (Linux keys an entry by both: closing the
// number leaves the entry while a dup keeps the description open, and
// EPOLL_CTL_DEL then needs an open number), and what it asked for.
struct EpollItem {
  EpollFile* epoll = nullptr;
  OpenFile* file = nullptr;
  int fd = -1;
  epoll_event event{};
  bool listed = false;    // on the ready list: woken since its last report
  bool disabled = false;  // EPOLLONESHOT reported it; EPOLL_CTL_MOD arms it again
};

// EpollFile is an epoll instance. As in the kernel, an item goes on the
// ready list when its description wakes it (new data, room, a close) with
// events it asked for; epoll_wait reports the listed items whose events
// hold then. A level-triggered item stays listed after a report (and one
// whose events hold is reported even unlisted, so that a process's death,
// which wakes nothing, is seen); an edge-triggered one leaves the list
// until the next wake-up: data that arrives while it is listed adds no
// second report.
struct EpollFile final : OpenFile {
  explicit EpollFile(ObjectRef r) noexcept : OpenFile(Type::Epoll, r) {}

  std::uint32_t events(const Execution& x) const override;
  void released(Call& c) override;

  // wake puts `item` on the ready list (an edge), unless it is disabled.
  void wake(EpollItem& item);
  // reportable is what `item` would report now: its description's events
  // that it asked for, and EPOLLERR and EPOLLHUP always; 0 when disabled.
  std::uint32_t reportable(const Execution& x, const EpollItem& item) const;
  // any_reportable: epoll_wait would return at once.
  bool any_reportable(const Execution& x) const;
  // find is the entry for (`file`, `fd`), or null.
  EpollItem* find(const OpenFile* file, int fd) const;
  // remove takes `item` off the interest and ready lists and its
  // description's watchers.
  void remove(EpollItem& item);

  std::vector<EpollItem*> items;   // the interest list, in order of addition
  std::deque<EpollItem*> ready;    // woken items, in order of their wake-ups
};

// forget_watchers removes `file` from every interest list that has it:
// its last descriptor was closed.
void forget_watchers(Execution& x, OpenFile& file);

}  // namespace weft::interpose
