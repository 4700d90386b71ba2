#include "progress_line.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iomanip>

namespace weft::detail {

ProgressLine::ProgressLine(bool shown, std::ostream& out, Clock now)
    : shown_(shown), out_(out), now_(std::move(now)) {
  if (!shown_) return;
  start_ = now_();
  next_ = start_ + kQuiet;
}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(std::uint64_t executions, std::uint64_t failures, std::uint64_t discarded,
                          std::optional<std::uint64_t> classes) {
  if (!shown_) return;
  const auto now = now_();
  if (now < next_) return;
  next_ = now + kInterval;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  out_ << "\r\033[Kweft: " << executions << " executions";
  if (classes) out_ << ", " << *classes << " classes";
  out_ << ", " << static_cast<std::uint64_t>(static_cast<double>(executions) / seconds) << "/s, " << failures
       << (failures == 1 ? " failure" : " failures");
  if (discarded) out_ << ", " << discarded << " discarded";
  out_ << ", " << std::fixed << std::setprecision(0) << seconds << " s"
       << std::defaultfloat << std::flush;
  written_ = true;
}

void ProgressLine::finish() {
  if (!written_) return;
  out_ << "\r\033[K" << std::flush;
  written_ = false;
}

bool progress_shown(Progress setting) {
  switch (setting) {
    case Progress::On: return true;
    case Progress::Off: return false;
    case Progress::Auto: break;
  }
  const char* ctest = std::getenv("DASHBOARD_TEST_FROM_CTEST");
  return ::isatty(STDERR_FILENO) == 1 && !(ctest && *ctest);
}

}  // namespace weft::detail
