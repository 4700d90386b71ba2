#pragma once
// OpenFile: an open file description weft made (a pipe end, a socket of a
// socketpair, an eventfd, an epoll instance), what its descriptors refer
// to; and Call, one controlled call on one of them.

#include <poll.h>
#include <sys/epoll.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "message_state.h"
#include "table.h"

namespace weft::interpose {
using detail::ObjectRef;
using detail::StepResult;
}  // namespace weft::interpose

namespace weft::interpose {

struct OpenFile;
struct EpollItem;

// kWakeAll is the wake-up key of a change that concerns every watcher (a
// close, a shutdown), as the kernel's unkeyed wake-up.
inline constexpr std::uint32_t kWakeAll = ~0u;

// Call is one controlled call on one descriptor: who makes it, on which
// number, from where (the caller's return address, for reports), and
// whether it may wait (the description's O_NONBLOCK, or MSG_DONTWAIT).
struct Call {
  Execution& x;
  int fd;
  OpenFile& file;
  const char* name;        // "read", "send", ... for reports
  const void* caller;      // the return address into the caller
  bool nonblocking;
};

// OpenFile is an open file description. Descriptors made by dup share it,
// and with it its status flags; it is released when its last descriptor is
// closed. Its state lives in the execution's arena until the execution
// ends, so an epoll item or a blocked call may keep pointing to it.
struct OpenFile {
  enum class Type : std::uint8_t { PipeRead, PipeWrite, Socket, Eventfd, Epoll };

  OpenFile(Type t, ObjectRef r) noexcept : type(t), ref(r) {}
  virtual ~OpenFile() = default;
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  // events is the poll(2) events that hold now (POLLIN, POLLOUT, POLLHUP,
  // POLLERR, POLLRDHUP, ...); what poll, select and epoll report.
  virtual std::uint32_t events(const Execution& x) const = 0;
  // read and write are read(2) and write(2) with recv/send flags
  // (MSG_PEEK, MSG_WAITALL, MSG_NOSIGNAL, MSG_DONTWAIT as Call::nonblocking);
  // `truncated` is set when a message was longer than `max`. They return
  // the byte count or -1 with errno set.
  virtual ssize_t read(Call& c, std::string& out, std::size_t max, int flags, bool& truncated);
  virtual ssize_t write(Call& c, std::string_view data, int flags);
  // readable_bytes is what ioctl(FIONREAD) reports.
  virtual std::size_t readable_bytes() const { return 0; }
  // released is called once, when the last descriptor was closed and no
  // call is still under way on the description (a read blocked on it
  // keeps it open, as in the kernel). It records the close.
  virtual void released(Call& c);
  // acquire_readiness makes what produced the readable state happen before
  // what the calling thread does next (poll and epoll report readiness).
  virtual void acquire_readiness(Execution& x) const { (void)x; }
  // describe adds what a report says of descriptor `fd` beyond the object's
  // name: "read end" (or nothing).
  virtual const char* role() const noexcept { return nullptr; }

  // dead: every process that used this description has died (a killed or
  // crashed weft::process): it is closed for everyone else.
  bool dead(const Execution& x) const noexcept;
  // use notes the calling process as a user; false when that process is
  // dying, and the operation must do nothing.
  bool use(Execution& x);
  // changed tells the epoll instances that watch this description that its
  // events may have changed (their waiters look again), and wakes those
  // whose interest meets `key` (0: any) as the kernel's wake-up would:
  // what edge-triggered items are told. Call it after each state change.
  void changed(Execution& x, std::uint32_t key);

  Type type;
  ObjectRef ref;                        // pipe#1 (both ends), socketpair#1 (both), ...
  std::uint32_t descriptors = 0;        // numbers that refer to it
  std::uint32_t pins = 0;               // calls under way on it (Pin)
  bool gone_for_good = false;           // released() ran
  bool nonblocking = false;             // O_NONBLOCK
  std::vector<sched::ProcessId> users;  // processes that used it
  std::vector<EpollItem*> watchers;     // epoll items on it
};

// Pin keeps a description open for the length of a call made on it: a
// close by another thread meanwhile releases it only when the call ends.
class Pin {
 public:
  explicit Pin(Call& c) noexcept : c_(c) { ++c.file.pins; }
  Pin(const Pin&) = delete;
  Pin& operator=(const Pin&) = delete;
  ~Pin();

 private:
  Call& c_;
};

// drop_descriptor notes that one descriptor of c.file was closed, and
// releases the description when it was the last and no call pins it.
void drop_descriptor(Call& c);

// name_of names descriptor `fd` of `file` for reports: "fd 5 (pipe#1 read end)".
std::string name_of(int fd, const OpenFile& file);

// fail_errno sets errno and returns -1.
inline int fail_errno(int error) noexcept {
  errno = error;
  return -1;
}

// Wait says what a blocked call waits for, for its blocker: a readiness
// test over the call's description, and the call's descriptor for the
// deadlock report ("(fd 5, read end)").
struct Wait {
  const Execution* x;
  const OpenFile* file;
  int fd;
  bool (*ready)(const Wait& w);
  std::size_t need = 0;  // for writes: the bytes that must fit
};

// await is the scheduling point of `op` on c.file: with `w` (unless the
// call is non-blocking) the caller waits until w->ready holds. Aborted
// means the call must not take effect (the execution or the caller's
// process is ending): the caller calls leave() and returns -1 (EINTR).
StepResult await(Call& c, sched::OpKind op, const Wait* w);

// leave ends a call whose operation did not take place because the
// execution or the caller's process is ending: the thread is abandoned
// (the call cannot throw), unless it is unwinding already.
void leave(Execution& x) noexcept;

// record_io records an operation on `file` (a message number, flags) and
// gives the race detector its edge, as weft's pipes do.
sched::Event& record_io(Execution& x, const OpenFile& file, sched::OpKind op, std::uint64_t number,
                        std::uint8_t flags = 0);

// wait_words adds a Wait's descriptor to a deadlock report: "(fd 5, read end)".
void wait_words(const void* wait, ThreadId self, std::string& out);

}  // namespace weft::interpose
