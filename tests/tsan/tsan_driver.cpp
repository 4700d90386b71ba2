// tsan_driver: TSan-mode runs in a process of their own, for tsan_test.
//   tsan_driver explore         explore the unprotected vector, print the report and "TOKEN <token>"
//   tsan_driver replay <token>  replay it, print the report and the token
//   tsan_driver outside         race on an int between two std::threads, outside weft

#include <iostream>
#include <string>
#include <thread>

#include "sample.h"
#include "weft/weft.h"

namespace {
int outside_counter = 0;

int print(const weft::Report& r) {
  if (r.ok()) {
    std::cout << "no failure\n";
    return 1;
  }
  std::cout << r.failure->to_string() << "TOKEN " << r.failure->token << "\n";
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "explore") return print(weft::explore(weft::samples::unprotected_vector::buggy));
  if (mode == "replay" && argc > 2) return print(weft::replay(argv[2], weft::samples::unprotected_vector::buggy));
  if (mode == "outside") {
    std::thread a([] { ++outside_counter; });
    std::thread b([] { ++outside_counter; });
    a.join();
    b.join();
    return 0;
  }
  std::cerr << "usage: tsan_driver explore | replay <token> | outside\n";
  return 2;
}
