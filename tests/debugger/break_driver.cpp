// break_driver: finds a sample's bug and prints its token and trace, or
// replays a token with the environment's options (WEFT_BREAK), for the
// debugger test (gdb_break_test.sh).
//   break_driver explore <sample>
//   break_driver replay <sample> <token>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string_view>

#include "sample.h"
#include "weft/weft.h"

int main(int argc, char** argv) {
  const weft::samples::Sample* sample = nullptr;
  for (const weft::samples::Sample& s : weft::samples::all())
    if (argc > 2 && s.name == argv[2]) sample = &s;
  const bool explore = argc == 3 && std::strcmp(argv[1], "explore") == 0;
  const bool replay = argc == 4 && std::strcmp(argv[1], "replay") == 0;
  if (!sample || !(explore || replay)) {
    std::fprintf(stderr, "usage: break_driver explore <sample> | replay <sample> <token>\n");
    return 2;
  }
  const weft::Options options = weft::Options{}
                                    .race_detection(sample->race_detection)
                                    .process_crashes(sample->process_crashes)
                                    .trace_steps(0)
                                    .from_environment();
  const weft::Report report =
      explore ? weft::explore(sample->buggy, options) : weft::replay(argv[3], sample->buggy, options);
  if (report.ok()) {
    std::cout << "no failure\n";
    return 1;
  }
  std::cout << "KIND " << weft::to_string(report.failure->kind) << "\nTOKEN " << report.failure->token << "\n"
            << report.failure->trace_text() << "MESSAGE " << report.failure->message << "\n";
  return 0;
}
