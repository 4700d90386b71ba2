// replay_driver: explores or replays one of a few failing bodies and prints
// the whole report, so tests can compare reports across processes.
//   replay_driver explore <scenario> [seed]
//   replay_driver replay <scenario> <token>
// Built with WEFT_DRIVER_SAMPLES (interpose_replay_driver), the scenarios are
// the buggy bodies of weft::samples::all(): there, the standard-library
// samples, run through weft::interpose.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <string>

#include <weft/weft.h>

#ifdef WEFT_DRIVER_SAMPLES
#include "sample.h"
#endif

namespace {

#ifndef WEFT_DRIVER_SAMPLES
void lost_update() {
  weft::var<int> x{0};
  weft::thread a([&] { x.set(x.get() + 1); });
  weft::thread b([&] { x.set(x.get() + 1); });
  a.join();
  b.join();
  WEFT_ASSERT(x.get() == 2);
}

void lock_order() {
  weft::mutex m1, m2;
  weft::thread a([&] {
    std::lock_guard g1(m1);
    std::lock_guard g2(m2);
  });
  weft::thread b([&] {
    std::lock_guard g2(m2);
    std::lock_guard g1(m1);
  });
  a.join();
  b.join();
}

// Value choices (which waiter notify_one wakes, timeouts) must replay too.
void notify_choice() {
  weft::mutex m;
  weft::condition_variable cv;
  weft::var<int> woken_first{-1};
  int ready = 0;
  auto waiter = [&](int me) {
    std::unique_lock lock(m);
    ++ready;
    if (cv.wait_for(lock, std::chrono::milliseconds(5)) == std::cv_status::no_timeout && woken_first.get() < 0)
      woken_first.set(me);
  };
  weft::thread a(waiter, 1);
  weft::thread b(waiter, 2);
  weft::this_thread::sleep_for(std::chrono::milliseconds(1));
  cv.notify_one();
  a.join();
  b.join();
  WEFT_ASSERT(woken_first.get() != 2, "the second waiter was woken first");
}

#endif

#ifdef WEFT_DRIVER_SAMPLES
const std::map<std::string, void (*)()> kScenarios = [] {
  std::map<std::string, void (*)()> scenarios;
  for (const weft::samples::Sample& s : weft::samples::all()) scenarios[std::string(s.name)] = s.buggy;
  return scenarios;
}();
#else
const std::map<std::string, void (*)()> kScenarios = {
    {"lost_update", &lost_update}, {"lock_order", &lock_order}, {"notify_choice", &notify_choice}};
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || !kScenarios.count(argv[2])) {
    std::fprintf(stderr, "usage: replay_driver explore|replay <scenario> [seed|token]\n");
    return 2;
  }
  const std::function<void()> body = kScenarios.at(argv[2]);
  const auto options = weft::Options{}.iterations(20000).trace_steps(0).seed(argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1);
  weft::Report report;
  if (std::strcmp(argv[1], "explore") == 0) {
    report = weft::explore(body, options);
  } else if (std::strcmp(argv[1], "replay") == 0 && argc > 3) {
    report = weft::replay(argv[3], body, options);
  } else {
    return 2;
  }
  if (report.ok()) {
    std::cout << "no failure\n";
    return 1;
  }
  std::cout << "KIND " << weft::to_string(report.failure->kind) << "\nTOKEN " << report.failure->token << "\n"
            << report.failure->trace_text() << "threads:\n";
  for (const auto& t : report.failure->threads)
    std::cout << "  T" << t.thread << " " << t.state << " " << t.waiting_for << " " << t.file << ":" << t.line << "\n";
  return 0;
}
