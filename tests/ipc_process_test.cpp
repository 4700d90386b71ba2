// weft::process: ids and exit statuses, threads belonging to a process,
// kill (unwinding, closing ends, waking waiters), exit ending the other
// threads, the no-shared-memory rule and misuse.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include "ipc_support.h"

#include <set>
#include <stdexcept>
#include <string>

namespace {

using weft::channel_status;
using weft::exit_kind;

using ipc_test::contains;
using ipc_test::failure_of;

TEST(Process, IdsAndExitStatuses) {
  const weft::Report r = weft::explore([] {
    WEFT_ASSERT(weft::this_process::get_id() == 0);
    weft::process returns_code([] { return 3; });
    weft::process returns_void([] { WEFT_ASSERT(weft::this_process::get_id() == 2); });
    weft::process throws([]() -> int { throw std::runtime_error("boom"); });
    WEFT_ASSERT(returns_code.get_id() == 1 && returns_void.get_id() == 2 && throws.get_id() == 3);
    const weft::exit_status code = returns_code.wait();
    WEFT_ASSERT(code.kind == exit_kind::exited && code.code == 3 && !code.ok());
    WEFT_ASSERT(returns_void.wait().ok());
    const weft::exit_status threw = throws.wait();
    WEFT_ASSERT(threw.kind == exit_kind::threw);
    WEFT_ASSERT(threw.message == "std::exception: boom");
  }, weft::Options{}.iterations(200));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Process, StatusIsRunningUntilEveryThreadEnded) {
  std::set<exit_kind> seen;
  const weft::Report r = weft::explore([&] {
    weft::process p([] {});
    seen.insert(p.status().kind);
    p.join();
    WEFT_ASSERT(p.status().kind == exit_kind::exited);
  }, weft::Options{}.iterations(200));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(seen, (std::set<exit_kind>{exit_kind::running, exit_kind::exited}));
}

TEST(Process, AnUnobservedExceptionIsReported) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::process p("worker", [] { throw std::runtime_error("lost"); });
    p.join();
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::UncaughtException);
  EXPECT_TRUE(contains(f.message, "process worker threw std::exception: lost, and nobody read its exit status"))
      << f.message;
}

TEST(Process, ThreadsItStartsBelongToIt) {
  const weft::Report r = weft::explore([] {
    weft::process p([] {
      const std::uint32_t me = weft::this_process::get_id();
      weft::thread t([me] { WEFT_ASSERT(weft::this_process::get_id() == me); });
      t.join();
    });
    p.join();
  }, weft::Options{}.iterations(100));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Process, AVarTouchedByTwoProcessesIsMisuse) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::var<int> shared{0};
    shared.set(1);
    weft::process p("child", [&shared] { shared.set(2); });
    p.join();
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "T1 (process child) writes var#1, which T0 (process main) used first at"))
      << f.message;
  EXPECT_TRUE(contains(f.message, "processes share no memory")) << f.message;
}

// Destructors of a killed process's threads run; counted outside weft.
int g_unwound = 0;
struct CountsUnwinding {
  ~CountsUnwinding() { ++g_unwound; }
};

TEST(Process, KillUnwindsItsThreadsAndClosesItsEnds) {
  g_unwound = 0;
  int executions = 0;
  const weft::Report r = weft::explore([&] {
    ++executions;
    auto [mine, theirs] = weft::pipe();
    weft::process child("child", [end = theirs]() mutable {
      CountsUnwinding guard;
      weft::thread helper([] {
        CountsUnwinding helper_guard;
        weft::queue<int> never;
        (void)never.get();  // blocks until the kill
      });
      helper.detach();
      end.send("hello");
      (void)end.recv();  // blocks until the kill
    });
    WEFT_ASSERT(*mine.recv() == "hello");
    child.kill();
    WEFT_ASSERT(mine.recv().status() == channel_status::closed);  // its end closed with it
    WEFT_ASSERT(child.wait().kind == exit_kind::killed);
  }, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(g_unwound, 2 * executions);
}

TEST(Process, KillFromAnotherProcess) {
  const weft::Report r = weft::explore([] {
    weft::queue<int> never;
    weft::process child("child", [&never] { (void)never.get(); });
    weft::process killer("killer", [&child] { child.kill(); });
    killer.join();
    WEFT_ASSERT(child.wait().kind == exit_kind::killed);
  }, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Process, AParentBlockedOnADyingChildWakes) {
  const weft::Report r = weft::explore([] {
    auto [mine, theirs] = weft::pipe();
    // Passed as an argument, the end is the child's from its start: killed
    // before it ran, the child still takes its end down with it.
    weft::process child("child", [](weft::pipe_end<> end) {
      end.send("started");
      (void)end.recv();
    }, theirs);
    weft::thread killer([&child] { child.kill(); });
    auto first = mine.recv();
    WEFT_ASSERT(!first || *first == "started");
    if (first) WEFT_ASSERT(mine.recv().status() == channel_status::closed);
    killer.join();
    child.join();
  }, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Process, AKilledProcessLeavesNoLeakBehind) {
  // Its thread object was destroyed in the unwinding, unjoined: the process
  // took it down, which is no leak.
  const weft::Report r = weft::explore([] {
    weft::queue<int> never, started;
    weft::process child("child", [&] {
      weft::thread t([&] { (void)never.get(); });
      started.put(1);
      (void)never.get();
      t.join();
    });
    (void)started.get();
    child.kill();
    WEFT_ASSERT(child.wait().kind == exit_kind::killed);
  }, weft::Options{}.iterations(200));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Process, KilledWhileJoiningItsOwnChildOrThread) {
  // join may run in a destructor, so it cannot unwind: it returns, and the
  // objects the dying process then destroys are not its misuse.
  const weft::Report r = weft::explore([] {
    weft::queue<int> started;
    weft::process mid("mid", [&] {
      weft::process leaf("leaf", [] { weft::this_thread::yield(); });
      weft::queue<int> never;
      weft::thread t([&never] { (void)never.get(); });
      started.put(1);
      t.join();
      leaf.join();
    });
    (void)started.get();
    mid.kill();
    WEFT_ASSERT(mid.wait().kind == exit_kind::killed);
  }, weft::Options{}.iterations(500));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Process, ExitEndsItsOtherThreads) {
  const weft::Report r = weft::explore([] {
    weft::process p([] {
      weft::thread forever([] {
        weft::queue<int> never;
        (void)never.get();
      });
      forever.detach();
    });
    WEFT_ASSERT(p.wait().ok());
  }, weft::Options{}.iterations(100));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Process, KillingItselfAndKillingAnEndedProcess) {
  const weft::Report r = weft::explore([] {
    weft::process* self = nullptr;
    weft::queue<int> go;
    weft::process p([&] {
      (void)go.get();
      self->kill();
      WEFT_ASSERT(false, "a killed process runs on");
    });
    self = &p;
    go.put(1);
    WEFT_ASSERT(p.wait().kind == exit_kind::killed);
    p.kill();  // does nothing
  }, weft::Options{}.iterations(100));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Process, DestroyingARunningProcessIsMisuse) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::queue<int> never;
    weft::process p("stuck", [&never] { (void)never.get(); });
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "process#1 (stuck) was destroyed while the process runs")) << f.message;
}

TEST(Process, DetachedProcessRunsOn) {
  const weft::Report r = weft::explore([] {
    weft::queue<int> q;
    {
      weft::process p([&q] { q.put(1); });
      p.detach();
    }
    WEFT_ASSERT(*q.get() == 1);
  }, weft::Options{}.iterations(100));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Process, JoiningItsOwnProcessIsMisuse) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::process* self = nullptr;
    weft::queue<int> go;
    weft::process p([&] {
      (void)go.get();
      self->join();
    });
    self = &p;
    go.put(1);
    p.join();
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "joins its own process")) << f.message;
}

TEST(Process, OutsideAnExecutionIsALogicError) {
  EXPECT_THROW(weft::process([] {}), std::logic_error);
}

TEST(Process, NamesShowInReports) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::this_process::set_name("parent");
    weft::queue<int> q;
    weft::process child("child", [&q] { (void)q.get(); });
    (void)q.get();
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Deadlock);
  EXPECT_TRUE(contains(f.message, "T0 (process parent) waits in queue.get on queue#1 (empty)")) << f.message;
  EXPECT_TRUE(contains(f.message, "T1 (process child) waits in queue.get on queue#1 (empty)")) << f.message;
  ASSERT_EQ(f.threads.size(), 2u);
  EXPECT_EQ(f.threads[0].process, "parent");
  EXPECT_TRUE(contains(f.to_string(), "T1  process child  blocked")) << f.to_string();
}

TEST(Process, TraceNamesProcesses) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::process p("child", [] {});
    p.join();
    WEFT_ASSERT(false, "stop");
  }));
  ASSERT_FALSE(f.trace.empty());
  EXPECT_EQ(f.trace[0].operation, "process.start");
  EXPECT_EQ(f.trace[0].object, "process#1");
  EXPECT_EQ(f.trace[0].detail, "-> T1");
  bool exit_seen = false, join_seen = false;
  for (const auto& t : f.trace) {
    exit_seen |= t.operation == "process.exit" && t.detail == "returned";
    join_seen |= t.operation == "process.join" && t.object == "process#1";
  }
  EXPECT_TRUE(exit_seen && join_seen) << f.trace_text();
}

}  // namespace
