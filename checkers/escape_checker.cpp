#include "checkers/escape_checker.h"

#include <dirent.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "scheduler/execution.h"

namespace weft::checkers {

namespace {
bool power_of_two_or_zero(std::uint64_t n) noexcept { return (n & (n - 1)) == 0; }

// The thread ids of weft's latest helpers; a helper that ended long ago is
// overwritten, and no longer counted by the kernel either.
constexpr unsigned kOwnThreads = 16;
std::atomic<pid_t> own_threads[kOwnThreads];
std::atomic<unsigned> own_next{0};

bool own(pid_t tid) noexcept {
  for (const auto& slot : own_threads)
    if (slot.load(std::memory_order_relaxed) == tid) return true;
  return false;
}
}  // namespace

void EscapeChecker::own_thread() noexcept {
  own_threads[own_next.fetch_add(1, std::memory_order_relaxed) % kOwnThreads].store(::gettid(),
                                                                                     std::memory_order_relaxed);
}

int EscapeChecker::os_threads() noexcept {
  // The entries of /proc/self/task, weft's helpers left out: a helper that
  // ended is listed until it is reaped, which a debugger may delay.
  DIR* tasks = ::opendir("/proc/self/task");
  if (!tasks) return 0;
  int count = 0;
  while (const dirent* entry = ::readdir(tasks)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    if (!own(static_cast<pid_t>(std::atoi(entry->d_name)))) ++count;
  }
  ::closedir(tasks);
  return count;
}

void EscapeChecker::begin(sched::Execution& x) {
  watching_ = power_of_two_or_zero(x.index());
  if (!watching_) return;
  baseline_ = os_threads();
  events_ = 0;
  next_check_ = 1;
}

void EscapeChecker::on_event(sched::Execution& x, const sched::Event&) {
  if (!watching_ || ++events_ != next_check_) return;
  next_check_ *= 2;
  check(x);
}

void EscapeChecker::end(sched::Execution& x) {
  if (watching_ && !x.failure()) check(x);
}

void EscapeChecker::check(sched::Execution& x) {
  const int now = os_threads();
  if (now <= baseline_ || x.failure()) return;
  watching_ = false;
  x.fail(sched::Verdict::Misuse,
         "a real OS thread appeared during execution " + std::to_string(x.index() + 1) + " (the process had " +
             std::to_string(baseline_) + " threads when it began, " + std::to_string(now) +
             " now): code created a thread behind weft's back (std::thread or pthread_create in an executable "
             "that does not link weft::interpose, C11 thrd_create, clone, a library's thread pool), and weft "
             "neither schedules nor sees what that thread does");
}

}  // namespace weft::checkers
