#include "verification.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "process_exit.h"
#include "symbols.h"
#include "verifier_ops.h"

namespace weft::program {

namespace {

constinit std::atomic<bool> every_abort_assumes{false};
constinit std::atomic<std::uint64_t> assumed{0};

// reads_abort_as_assumption: SV-COMP's assume_abort_if_not and its atomic
// functions abort to mean "this path does not exist", never "the program
// failed"; with abort_is_assume every abort means that.
bool reads_abort_as_assumption(sched::Execution& x, const void* return_address) {
  bool assumption = every_abort_assumes.load(std::memory_order_relaxed) || x.in_atomic();
  if (!assumption) {
    const char* caller = verifier::caller_name(return_address);
    assumption = std::strcmp(caller, "assume_abort_if_not") == 0 ||
                 std::strncmp(caller, "__VERIFIER_atomic_", std::strlen("__VERIFIER_atomic_")) == 0;
  }
  if (assumption) assumed.fetch_add(1, std::memory_order_relaxed);
  return assumption;
}

bool flag(const char* name, bool fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  if (std::strcmp(v, "1") == 0) return true;
  if (std::strcmp(v, "0") == 0) return false;
  throw std::invalid_argument(std::string(name) + "=\"" + v + "\": use 1 (on) or 0 (off)");
}

std::uint32_t domain(const char* name, std::uint32_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const unsigned long n = std::strtoul(v, &end, 10);
  if (*end != '\0' || *v == '-' || n > 65536)
    throw std::invalid_argument(std::string(name) + "=\"" + v +
                                "\": use a number of values from 1 to 65536, or 0 for values over the whole type");
  return static_cast<std::uint32_t>(n);
}

std::string bounds(const Report& report, const Options& options, const Verification& v) {
  std::string text = "max_steps " + std::to_string(options.max_steps()) + " (+" +
                     std::to_string(std::max<std::uint64_t>(options.max_steps() / 100, 1)) +
                     " per thread after the first)";
  text += options.preemption_bound() ? ", at most " + std::to_string(*options.preemption_bound()) + " preemptions"
                                     : ", no preemption bound";
  text += v.nondet_domain > 0 ? ", nondet integers from a domain of " + std::to_string(v.nondet_domain) + " values"
                              : ", nondet integers over their whole type (none was drawn beyond what dpor enumerates)";
  text += ", " + std::to_string(report.endless) + " endless paths discarded";
  if (report.discarded > 0) text += ", " + std::to_string(report.discarded) + " executions discarded by assumptions";
  if (!v.stubbed.empty()) text += ", " + std::to_string(v.stubbed.size()) + " undefined functions stubbed";
  return text;
}

}  // namespace

Verification verification_of(const ProgramTest& test) {
  Verification v;
  v.abort_is_assume = flag("WEFT_ABORT_IS_ASSUME", test.abort_is_assume);
  v.endless_no_verdict = flag("WEFT_ENDLESS_NO_VERDICT", test.endless_no_verdict);
  v.stub_undefined = flag("WEFT_STUB_UNDEFINED", test.stub_undefined);
  v.nondet_domain = domain("WEFT_NONDET_DOMAIN", test.nondet_domain);
  return v;
}

void start_verification(const Verification& v) {
  every_abort_assumes.store(v.abort_is_assume, std::memory_order_relaxed);
  assumed.store(0, std::memory_order_relaxed);
  verifier::set_nondet_domain(v.nondet_domain);
  detail::read_aborts_with(&reads_abort_as_assumption);
}

void begin_execution(sched::Execution& x, const Verification& v) noexcept {
  if (v.endless_no_verdict) x.discard_endless();
}

std::uint64_t aborts_assumed() noexcept { return assumed.load(std::memory_order_relaxed); }

std::string verdict_text(const Report& report, const Options& options, const Verification& v) {
  if (report.failure) {
    const FailureKind kind = report.failure->kind;
    // A replay that went wrong, or an exploration whose every execution an
    // assumption discarded, says nothing about the program.
    if (kind == FailureKind::ReplayError || (report.discarded == report.executions && report.executions > 0))
      return "verdict: unknown (the exploration ended in " + std::string(to_string(kind)) + ")\n";
    return "verdict: false (" + std::string(to_string(kind)) + ", replay token above)\n";
  }
  if (!options.strategy().exhaustive())
    return "verdict: unknown (strategy " + options.strategy().to_string() + " samples executions: no failure in " +
           std::to_string(report.executions) + " is no proof; WEFT_STRATEGY=dpor searches them all)\n";
  if (!report.exhausted())
    return "verdict: unknown (" + (report.not_searched.empty() ? std::string("the search did not finish")
                                                               : report.not_searched) + ")\n";
  return "verdict: true (all " + std::to_string(report.executions) + " executions explored, none failed; bounds: " +
         bounds(report, options, v) + ")\n";
}

}  // namespace weft::program
