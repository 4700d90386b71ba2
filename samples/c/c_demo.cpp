// weft-demo-c: the C samples, unmodified C programs with their own main,
// each run by the driver weft_add_program_test built for it, in a process of
// its own, as a user runs it: the buggy program explored (the driver prints
// what weft found), its token replayed in a new process (the report must be
// identical), and its fixed twin explored (no failure).
//
//   weft-demo-c                  run every sample
//   weft-demo-c c_bank_account   run only the samples named
//
// Exit status 0 when every bug was found with its expected kind, every
// replay reproduced it exactly and every twin passed; 1 otherwise; 2 for an
// unknown sample name.

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "driver_run.h"

namespace {

struct CSample {
  std::string_view name;    // also the buggy driver's name
  std::string_view source;  // in samples/c/
  std::string_view hazard;
  std::string_view twin;    // the fixed twin's driver
  std::string_view expected;
};

constexpr CSample kSamples[] = {
    {"c_bank_account", "bank_account.c",
     "two pthreads deposit into one balance without its lock: the read and the write of the balance race",
     "c_bank_account_fixed", "DataRace"},
    {"c_bank_account_outcome", "bank_account.c",
     "the same program without the race detector: a schedule that loses a deposit fails its assert()",
     "c_bank_account_fixed", "AssertionFailed"},
    {"c_lock_order_deadlock", "lock_order_deadlock.c",
     "two transfers lock two pthread_mutex_t in opposite orders", "c_lock_order_deadlock_fixed", "Deadlock"},
    {"c_producer_consumer_if", "producer_consumer_if.c",
     "consumers wait with pthread_cond_wait in an `if`: one finds the item taken and takes from an empty buffer",
     "c_producer_consumer_if_fixed", "AssertionFailed"},
    {"c_work_queue_lost_signal", "work_queue_lost_signal.c",
     "a worker waits for a signal sent before it waited, without checking the queue", "c_work_queue_lost_signal_fixed",
     "Deadlock"},
    {"c_svcomp_atomic_counter_false", "svcomp_atomic_counter.c",
     "SV-COMP style: a nondet bound under __VERIFIER_assume, increments not atomic: reach_error is reachable",
     "c_svcomp_atomic_counter_true", "AssertionFailed"},
};

std::string driver(std::string_view name) { return std::string(WEFT_C_SAMPLES "/") + std::string(name); }

bool demo(const CSample& s) {
  std::cout << "=== " << s.name << " ===\nhazard: " << s.hazard << "\nprogram: samples/c/" << s.source
            << ", explored by its driver " << s.name << "\n\n";
  const weft::samples::DriverRun found = weft::samples::run_driver(driver(s.name));
  std::cout << found.output << '\n';
  const bool right_kind = found.status == 0 && found.has("weft: " + std::string(s.expected) + " in execution");
  if (!right_kind) std::cout << "NOT FOUND as " << s.expected << "\n\n";

  const std::string token = found.token();
  const weft::samples::DriverRun replayed = weft::samples::run_driver(driver(s.name), "WEFT_REPLAY=" + token);
  const bool same = !token.empty() && replayed.status == 0 && replayed.report() == found.report();
  std::cout << "replay in a new process (WEFT_REPLAY=" << token << " " << s.name << "): "
            << (same ? "the identical report" : "DIFFERENT:\n" + replayed.output) << '\n';

  const weft::samples::DriverRun twin = weft::samples::run_driver(driver(s.twin));
  std::cout << "fixed twin " << s.twin << ": " << twin.output << '\n';
  return right_kind && same && twin.status == 0;
}

int usage(std::ostream& out, int status) {
  out << "usage: weft-demo-c [sample...]\nsamples:";
  for (const CSample& s : kSamples) out << ' ' << s.name;
  out << '\n';
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<const CSample*> chosen;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") return usage(std::cout, 0);
    const CSample* sample = nullptr;
    for (const CSample& s : kSamples)
      if (s.name == arg) sample = &s;
    if (!sample) {
      std::cerr << "weft-demo-c: unknown sample '" << arg << "'\n";
      return usage(std::cerr, 2);
    }
    chosen.push_back(sample);
  }
  if (chosen.empty())
    for (const CSample& s : kSamples) chosen.push_back(&s);

  std::cout << "Unmodified C programs with their own main: each is built as a shared object and explored by a\n"
               "driver (weft_add_program_test), every execution from fresh globals, with pthreads under weft\n"
               "(weft::interpose) and every load and store a scheduling point.\n\n";
  std::size_t good = 0;
  for (const CSample* s : chosen) good += demo(*s) ? 1 : 0;
  std::cout << good << " of " << chosen.size() << " C samples: bug found, replayed exactly, fixed twin clean.\n";
  return good == chosen.size() ? 0 : 1;
}
