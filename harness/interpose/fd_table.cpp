#include "fd_table.h"

#include <fcntl.h>

#include <cerrno>

#include "real_io.h"

namespace weft::interpose {

namespace {
// reservation opens a descriptor that stands for one of weft's numbers: a
// path-only descriptor of /dev/null, on which read, write and ioctl fail
// with EBADF.
int reservation() noexcept { return ::open("/dev/null", O_PATH | O_CLOEXEC); }
}  // namespace

bool open_in_kernel(int fd) noexcept { return fd >= 0 && real::fcntl(fd, F_GETFD) != -1; }

FdTable::~FdTable() {
  for (std::size_t fd = 0; fd < entries_.size(); ++fd)
    if (entries_[fd].file) real::close(static_cast<int>(fd));
}

void FdTable::install(int fd, OpenFile& file, bool cloexec) {
  const sched::tsan::Unseen unseen;
  if (static_cast<std::size_t>(fd) >= entries_.size()) entries_.resize(static_cast<std::size_t>(fd) + 1);
  entries_[fd] = Entry{&file, cloexec};
}

int FdTable::open(OpenFile& file, bool cloexec, int lowest) {
  int fd = reservation();
  if (fd < 0) return -1;
  if (fd < lowest) {
    const int moved = real::fcntl(fd, F_DUPFD_CLOEXEC, lowest);
    const int error = errno;
    real::close(fd);
    errno = error;
    if (moved < 0) return -1;
    fd = moved;
  }
  install(fd, file, cloexec);
  return fd;
}

int FdTable::open_at(int fd, OpenFile& file, bool cloexec) {
  const int held = reservation();
  if (held < 0) return -1;
  if (held != fd) {
    const int placed = real::dup3(held, fd, O_CLOEXEC);
    const int error = errno;
    real::close(held);
    errno = error;
    if (placed < 0) return -1;
  }
  install(fd, file, cloexec);
  return fd;
}

OpenFile* FdTable::replace(int fd, OpenFile& file, bool cloexec) noexcept {
  OpenFile* before = find(fd);
  if (before) entries_[fd] = Entry{&file, cloexec};
  return before;
}

OpenFile* FdTable::close(int fd) noexcept {
  OpenFile* file = forget(fd);
  if (file) real::close(fd);
  return file;
}

OpenFile* FdTable::forget(int fd) noexcept {
  OpenFile* file = find(fd);
  if (file) entries_[fd] = Entry{};
  return file;
}

FdTable& fd_table(Execution& x) {
  Table& table = table_of(x);
  if (!table.fds) {
    const sched::tsan::Unseen unseen;
    table.fds = x.arena().make<FdTable>();
  }
  return *table.fds;
}

}  // namespace weft::interpose
