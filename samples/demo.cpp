// weft-demo: explores each sample's buggy body, prints what weft found,
// replays the failure from its token, and checks the fixed twin.
//
//   weft-demo                 run every sample
//   weft-demo missed_notify   run only the samples named
//
// With WEFT_TRACE_FILE set, each bug's shrunk failure is also written as a
// timeline (docs/reading-a-report.md#timeline), one file per sample.
//
// Exit status 0 when every bug was found with its expected kind, every
// replay reproduced it exactly and every fixed twin passed; 1 otherwise;
// 2 for an unknown sample name.

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "sample.h"
#include "weft/weft.h"

namespace {

using weft::samples::Sample;

constexpr std::uint64_t kIterations = 10000;

// demo runs one sample and says whether it behaved as documented.
bool demo(const Sample& sample, weft::Options options) {
  options.race_detection(sample.race_detection).process_crashes(sample.process_crashes);
  std::cout << "=== " << sample.name << " ===\n"
            << "hazard: " << sample.hazard << "\n\n";

  // The timeline of the shrunk failure goes where WEFT_TRACE_FILE says
  // (scripts/demo: a directory, one file per sample); the replay below
  // writes none.
  weft::Options exploring = options;
  if (const char* timelines = std::getenv("WEFT_TRACE_FILE"); timelines && *timelines)
    exploring.trace_file(timelines, std::string(sample.name));
  const weft::Report found = weft::explore(sample.buggy, exploring);
  if (found.ok()) {
    std::cout << "buggy body: NOT FOUND: no failure in " << found.executions
              << " executions (expected " << weft::to_string(sample.expected) << ")\n\n";
    return false;
  }
  const weft::Failure& failure = *found.failure;
  const bool right_kind = failure.kind == sample.expected;
  std::cout << "buggy body: " << weft::to_string(failure.kind) << " found after " << found.executions
            << (found.executions == 1 ? " execution\n" : " executions\n");
  if (!right_kind) std::cout << "  (expected " << weft::to_string(sample.expected) << ")\n";
  std::cout << "\n" << failure.to_string();
  if (found.shrinking) std::cout << weft::shrinking_text(*found.shrinking);
  std::cout << weft::timeline_text(found);
  std::cout << "\n";

  const weft::Report replayed = weft::replay(failure.token, sample.buggy, options);
  const bool same_kind = replayed.failure && replayed.failure->kind == failure.kind;
  const bool same_trace = replayed.failure && replayed.failure->trace == failure.trace;
  if (same_kind && same_trace) {
    std::cout << "replay of the token: same " << weft::to_string(failure.kind)
              << ", identical trace (" << failure.trace.size() << " steps)\n";
  } else if (!replayed.failure) {
    std::cout << "replay of the token: DID NOT FAIL\n";
  } else {
    std::cout << "replay of the token: DIFFERENT: " << weft::to_string(replayed.failure->kind)
              << (same_trace ? ", identical trace" : ", different trace") << "\n"
              << replayed.failure->to_string() << "\n";
  }

  const weft::Report twin = weft::explore(sample.fixed, options);
  if (twin.ok()) {
    std::cout << "fixed twin: no failure in " << twin.executions << " executions\n\n";
  } else {
    std::cout << "fixed twin: FAILED in execution " << twin.executions << "\n"
              << twin.failure->to_string() << "\n";
  }
  return right_kind && same_kind && same_trace && twin.ok();
}

const Sample* find(std::string_view name) {
  for (const Sample& sample : weft::samples::all()) {
    if (sample.name == name) return &sample;
  }
  return nullptr;
}

int usage(std::ostream& out, int status) {
  out << "usage: weft-demo [sample...]\nsamples:";
  for (const Sample& sample : weft::samples::all()) out << ' ' << sample.name;
  out << '\n';
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<const Sample*> chosen;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") return usage(std::cout, 0);
    const Sample* sample = find(arg);
    if (sample == nullptr) {
      std::cerr << "weft-demo: unknown sample '" << arg << "'\n";
      return usage(std::cerr, 2);
    }
    chosen.push_back(sample);
  }
  if (chosen.empty()) {
    for (const Sample& sample : weft::samples::all()) chosen.push_back(&sample);
  }

  const weft::Options options = weft::Options{}.iterations(kIterations);
  std::cout << "weft explores each buggy body with strategy " << options.strategy().to_string()
            << ", seed " << options.seed() << ", at most " << options.iterations()
            << " executions,\nreplays the failure it finds from the printed token, "
               "then explores the fixed twin the same way.\n\n";

  std::size_t good = 0;
  for (const Sample* sample : chosen) good += demo(*sample, options) ? 1 : 0;

  std::cout << good << " of " << chosen.size()
            << " samples: bug found, replayed exactly, fixed twin clean.\n";
  return good == chosen.size() ? 0 : 1;
}
