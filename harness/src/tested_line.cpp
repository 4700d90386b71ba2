#include "tested_line.h"

#include <cstdlib>
#include <string>

#include "instrument_seam.h"
#include "interposition_hook.h"
#include "scheduler/schedule.h"
#include "scheduler/tsan.h"

namespace weft {

namespace detail {

void ScheduleTally::add(const sched::Execution& execution, Report& report) {
  if (insert(execution.schedule().hash() | 1)) ++report.distinct_schedules;
  if (execution.steps() > report.most_points) report.most_points = execution.steps();
}

bool ScheduleTally::insert(std::uint64_t fingerprint) {
  if (2 * (used_ + 1) > slots_.size()) {
    std::vector<std::uint64_t> old(slots_.size() * 2, 0);
    old.swap(slots_);
    used_ = 0;
    for (const std::uint64_t f : old)
      if (f) insert(f);
  }
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = fingerprint & mask;; i = (i + 1) & mask) {
    if (slots_[i] == fingerprint) return false;
    if (slots_[i] == 0) {
      slots_[i] = fingerprint;
      ++used_;
      return true;
    }
  }
}

bool quiet() noexcept {
  const char* q = std::getenv("WEFT_QUIET");
  return q && q[0] == '1' && q[1] == 0;
}

}  // namespace detail

namespace {
// kFewPoints: an exploration whose executions never reached more scheduling
// points than this barely interleaved anything.
constexpr std::uint64_t kFewPoints = 3;

std::string seen_code() {
  std::string code = "weft's primitives";
  if (&detail::make_interposition_observer != nullptr) code += ", std::thread/std::mutex/pthreads (weft::interpose)";
  if (&detail::instrumentation_linked != nullptr && detail::instrumentation_linked())
    code += ", std::atomic and plain memory of instrumented code (weft_instrument)";
  if (sched::tsan::present()) code += ", plain memory seen by ThreadSanitizer (weft_tsan)";
  return code;
}
// coverage says how much of the space of executions the exploration saw.
std::string coverage(const Report& report) {
  if (report.searched_all)
    return "space exhausted" + (report.space.empty() ? std::string() : " (" + report.space + ")");
  if (!report.space.empty())
    return "space not exhausted (" + report.space + ": " +
           (report.not_searched.empty() ? std::string("stopped at the first failure") : report.not_searched) + ")";
  return "space not exhausted (sampled schedules)";
}
}  // namespace

std::string tested_line(const Report& report) {
  const std::uint64_t failures = report.ok() ? 0 : 1;
  std::string line = "weft: tested " + std::to_string(report.executions) + " execution" +
                     (report.executions == 1 ? "" : "s") + ", " + std::to_string(report.distinct_schedules) +
                     " distinct schedule" + (report.distinct_schedules == 1 ? "" : "s") + ", at most " +
                     std::to_string(report.most_points) + " scheduling points in one, " + std::to_string(failures) +
                     (failures == 1 ? " failure" : " failures") +
                     "; " + coverage(report) + "; code seen: " + seen_code() +
                     "; model: sequentially consistent interleavings, " +
                     (report.race_detection ? "with" : "without") + " happens-before race checking";
  if (report.executions > 0 && report.most_points <= kFewPoints)
    line += "\nweft: warning: no execution reached more than " + std::to_string(report.most_points) +
            " scheduling points: the code under test made almost no operation weft controls (build it with "
            "weft_instrument, or link weft::interpose, to make std::atomic, plain memory and std::thread "
            "visible)";
  return line;
}

}  // namespace weft
