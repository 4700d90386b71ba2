#include "open_file.h"

#include <algorithm>
#include <cerrno>

#include "epoll.h"

namespace weft::interpose {

ssize_t OpenFile::read(Call&, std::string&, std::size_t, int, bool&) { return fail_errno(EINVAL); }
ssize_t OpenFile::write(Call&, std::string_view, int) { return fail_errno(EINVAL); }
void OpenFile::released(Call& c) { record_io(c.x, *this, sched::OpKind::Close, 0); }

namespace {
// release ends c.file: its own close, and its place in every interest list.
void release(Call& c) {
  OpenFile& f = c.file;
  if (f.gone_for_good || f.descriptors > 0 || f.pins > 0) return;
  f.gone_for_good = true;
  f.released(c);
  forget_watchers(c.x, f);
}
}  // namespace

Pin::~Pin() {
  --c_.file.pins;
  if (!c_.x.aborting()) release(c_);
}

void drop_descriptor(Call& c) {
  OpenFile& f = c.file;
  --f.descriptors;
  if (f.descriptors > 0 || f.pins > 0) {
    record_io(c.x, f, sched::OpKind::Close, 0);
    return;
  }
  release(c);
}

bool OpenFile::dead(const Execution& x) const noexcept {
  return !users.empty() &&
         std::all_of(users.begin(), users.end(), [&x](sched::ProcessId p) { return x.death_of(p) != sched::Death::None; });
}

bool OpenFile::use(Execution& x) {
  if (detail::caller_dying(x)) return false;
  const sched::ProcessId me = x.process_of(x.current());
  if (std::find(users.begin(), users.end(), me) == users.end()) {
    const sched::tsan::Unseen unseen;
    users.push_back(me);
  }
  return true;
}

void OpenFile::changed(Execution& x, std::uint32_t key) {
  for (EpollItem* item : watchers) {
    x.note_change(item->epoll->ref);
    if (key != 0 && (key == kWakeAll || (item->event.events & key) != 0)) item->epoll->wake(*item);
  }
}

std::string name_of(int fd, const OpenFile& file) {
  std::string out = "fd " + std::to_string(fd) + " (" + sched::object_name(file.ref);
  if (const char* role = file.role()) out += std::string(" ") + role;
  return out + ")";
}

void wait_words(const void* wait, ThreadId, std::string& out) {
  const auto& w = *static_cast<const Wait*>(wait);
  out += "(fd " + std::to_string(w.fd);
  if (const char* role = w.file->role()) out += std::string(", ") + role;
  out += ")";
}

StepResult await(Call& c, sched::OpKind op, const Wait* w) {
  Execution& x = c.x;
  sched::Blocker b;
  if (w && !c.nonblocking) {
    b.ready = [](const void* state, ThreadId) {
      const auto& wait = *static_cast<const Wait*>(state);
      return wait.ready(wait);
    };
    b.describe = &wait_words;
    b.state = w;
  }
  const StepResult r = deferred(x, [&] { return x.step(op, c.file.ref, {}, b.ready ? &b : nullptr); });
  if (r == StepResult::Aborted || !c.file.use(x)) return StepResult::Aborted;
  return r;
}

void leave(Execution& x) noexcept {
  if (std::uncaught_exceptions() > 0) return;
  if (x.aborting() || detail::caller_dying(x)) x.abandon_thread();
}

sched::Event& record_io(Execution& x, const OpenFile& file, sched::OpKind op, std::uint64_t number,
                        std::uint8_t flags) {
  return detail::record_message(x, op, file.ref, number, flags, kNowhere);
}

}  // namespace weft::interpose
