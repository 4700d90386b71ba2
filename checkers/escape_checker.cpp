#include "checkers/escape_checker.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "scheduler/execution.h"

namespace weft::checkers {

namespace {
bool power_of_two_or_zero(std::uint64_t n) noexcept { return (n & (n - 1)) == 0; }
}  // namespace

int EscapeChecker::os_threads() noexcept {
  // Field 20 of /proc/self/stat, counted after the command name, which is in
  // parentheses and may hold spaces itself.
  const int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[1024];
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return 0;
  text[n] = '\0';
  const char* p = std::strrchr(text, ')');
  if (!p) return 0;
  for (int field = 2; field < 20 && p; ++field) p = std::strchr(p + 1, ' ');
  return p ? std::atoi(p + 1) : 0;
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
