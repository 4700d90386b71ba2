// Injected faults: off by default; process crashes, pipe breaks and failing
// puts as explored choices; the fault budget; the options in the token.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <set>
#include <string>

#include "ipc_support.h"

namespace {

using ipc_test::contains;
using ipc_test::failure_of;
using weft::channel_status;
using weft::exit_kind;

// two_workers starts two processes that each send a few messages, and
// records how each ended.
void two_workers(std::set<std::pair<exit_kind, exit_kind>>& endings) {
  weft::queue<int> q;
  auto work = [&q] {
    for (int i = 0; i < 3; ++i) q.put(i);
  };
  weft::process a("a", work);
  weft::process b("b", work);
  const exit_kind ka = a.wait().kind;
  const exit_kind kb = b.wait().kind;
  endings.insert({ka, kb});
}

TEST(Faults, OffByDefault) {
  std::set<std::pair<exit_kind, exit_kind>> endings;
  const weft::Report r = weft::explore([&] { two_workers(endings); }, weft::Options{}.iterations(500));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(endings, (std::set<std::pair<exit_kind, exit_kind>>{{exit_kind::exited, exit_kind::exited}}));
}

TEST(Faults, ProcessCrashesAreExploredWithinTheBudget) {
  std::set<std::pair<exit_kind, exit_kind>> endings;
  const weft::Report r = weft::explore([&] { two_workers(endings); },
                                       weft::Options{}.iterations(500).process_crashes(true));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_TRUE(endings.count({exit_kind::exited, exit_kind::exited}));
  EXPECT_TRUE(endings.count({exit_kind::crashed, exit_kind::exited}));
  EXPECT_TRUE(endings.count({exit_kind::exited, exit_kind::crashed}));
  EXPECT_FALSE(endings.count({exit_kind::crashed, exit_kind::crashed})) << "max_faults(1) allows one crash";

  endings.clear();
  const weft::Report two = weft::explore([&] { two_workers(endings); },
                                         weft::Options{}.iterations(500).process_crashes(true).max_faults(2));
  EXPECT_TRUE(two.ok()) << two;
  EXPECT_TRUE(endings.count({exit_kind::crashed, exit_kind::crashed}));
}

TEST(Faults, ACrashIsTracedAsAnInjectedFault) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::process p("worker", [] { weft::this_thread::yield(); });
    WEFT_ASSERT(p.wait().kind != exit_kind::crashed, "the worker crashed");
  }, weft::Options{}.process_crashes(true)));
  EXPECT_EQ(f.kind, weft::FailureKind::AssertionFailed);
  bool traced = false;
  for (const auto& t : f.trace) traced |= t.operation == "process.crash" && t.detail == "(injected fault)";
  EXPECT_TRUE(traced) << f.trace_text();
}

TEST(Faults, ACrashedProcessClosesItsEndsAndWakesItsPeer) {
  std::set<std::string> seen;
  const weft::Report r = weft::explore([&] {
    auto [mine, theirs] = weft::pipe<int>();
    weft::process worker("worker", [](weft::pipe_end<int> end) {
      for (int i = 0; i < 3; ++i) end.send(i);
      (void)end.recv();  // until the parent closes
    }, theirs);
    int got = 0;
    while (mine.recv().ok() && ++got < 3) {}
    const bool crashed = worker.status().kind == exit_kind::crashed;
    mine.close();
    const exit_kind how = worker.wait().kind;
    WEFT_ASSERT(got == 3 || how == exit_kind::crashed, "messages lost without a crash");
    if (got < 3) seen.insert(crashed ? "crash seen before" : "crash seen at wait");
    seen.insert(how == exit_kind::crashed ? "crashed" : "exited");
  }, weft::Options{}.iterations(1000).process_crashes(true));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_TRUE(seen.count("crashed") && seen.count("exited"));
  EXPECT_TRUE(seen.count("crash seen before")) << "a crash never woke the receiver with closed";
}

TEST(Faults, PipeBreaksCloseBothEnds) {
  std::set<channel_status> sends;
  const weft::Report r = weft::explore([&] {
    auto [a, b] = weft::pipe<int>();
    for (int i = 0; i < 4; ++i) sends.insert(a.send(i));
    int received = 0;
    while (b.try_recv()) ++received;
    WEFT_ASSERT(received <= 4);
  }, weft::Options{}.iterations(300).pipe_breaks(true));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(sends, (std::set<channel_status>{channel_status::ok, channel_status::closed}));
}

TEST(Faults, PutsFailOnlyOnAFullQueue) {
  std::set<channel_status> first, second;
  const weft::Report r = weft::explore([&] {
    weft::queue<int> q(1);
    first.insert(q.put(1));  // room: never fails
    weft::thread consumer([&q] { (void)q.get(); });
    second.insert(q.put(2));  // may find it full
    consumer.join();
  }, weft::Options{}.iterations(500).queue_put_failures(true));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(first, (std::set<channel_status>{channel_status::ok}));
  EXPECT_EQ(second, (std::set<channel_status>{channel_status::ok, channel_status::full}));
}

TEST(Faults, TheTokenCarriesTheFaultOptions) {
  auto body = [] {
    weft::queue<int> q(1);
    q.put(1);
    weft::process drain([&q] { (void)q.get(); });
    WEFT_ASSERT(q.put(2) == channel_status::ok, "a put failed");
    drain.join();
  };
  const weft::Failure f = failure_of(weft::explore(body, weft::Options{}.queue_put_failures(true)));
  EXPECT_TRUE(contains(f.message, "a put failed")) << f;
  // Replayed without the option: the token says it was on.
  const weft::Failure again = failure_of(weft::replay(f.token, body));
  EXPECT_EQ(again, f);
}

}  // namespace
