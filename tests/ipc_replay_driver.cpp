// ipc_replay_driver: explores or replays one of a few failing IPC bodies and
// prints the whole report, so tests can compare reports across processes.
//   ipc_replay_driver explore <scenario>
//   ipc_replay_driver replay <scenario> <token>

#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <string>

#include <weft/weft.h>

namespace {

// Both sides receive first.
void pipe_deadlock() {
  auto [a, b] = weft::pipe();
  weft::process child("child", [](weft::pipe_end<> end) {
    (void)end.recv();
    end.send("reply");
  }, b);
  (void)a.recv();
  a.send("request");
  child.join();
}

// Message order among three senders decides the outcome.
void message_order() {
  weft::queue<int> q;
  std::vector<weft::process> senders;
  for (int i = 0; i < 3; ++i) senders.emplace_back([&q, i] { q.put(i); });
  int first = *q.get();
  int second = *q.get();
  int third = *q.get();
  for (auto& s : senders) s.join();
  WEFT_ASSERT(!(first == 2 && second == 0 && third == 1), "the messages arrived as 2, 0, 1");
}

// A crash fault and a pipe break in one execution.
void faults() {
  auto [a, b] = weft::pipe<int>();
  weft::process worker("worker", [](weft::pipe_end<int> end) {
    for (int i = 0; i < 3; ++i) end.send(i);
  }, b);
  int got = 0;
  while (auto m = a.recv()) ++got;
  const weft::exit_status status = worker.wait();
  WEFT_ASSERT(got == 3 || status.kind != weft::exit_kind::exited, "a message was lost though the worker exited");
}

const std::map<std::string, void (*)()> kScenarios = {
    {"pipe_deadlock", &pipe_deadlock}, {"message_order", &message_order}, {"faults", &faults}};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || !kScenarios.count(argv[2])) {
    std::fprintf(stderr, "usage: ipc_replay_driver explore|replay <pipe_deadlock|message_order|faults> [token]\n");
    return 2;
  }
  const std::function<void()> body = kScenarios.at(argv[2]);
  const auto options = weft::Options{}.iterations(20000).trace_steps(0).seed(3).process_crashes(true).pipe_breaks(true);
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
            << report.failure->to_string() << "\n";
  return 0;
}
