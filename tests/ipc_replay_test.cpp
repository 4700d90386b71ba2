// Replaying IPC failures in this process: the same message order, the same
// faults, the same report. (A new process: Replay/CrossProcess.)

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <string>

#include "ipc_support.h"

namespace {

using ipc_test::failure_of;

// A supervisor that restarts a crashed worker, written wrong: the job the
// worker held when it crashed is never sent again.
void loses_a_job_on_crash() {
  weft::queue<int> jobs, done;
  for (int j = 0; j < 3; ++j) jobs.put(j);
  jobs.close();
  int finished = 0;
  for (int attempt = 0; attempt < 3 && finished < 3; ++attempt) {
    weft::process worker([&jobs, &done] {
      while (auto j = jobs.get()) done.put(*j);
    });
    worker.join();
    while (done.try_get()) ++finished;
  }
  WEFT_ASSERT(finished == 3, "a job was lost when the worker crashed");
}

TEST(IpcReplay, AFaultFailureReplaysExactlyInProcess) {
  const weft::Failure f =
      failure_of(weft::explore(loses_a_job_on_crash, weft::Options{}.iterations(5000).process_crashes(true)));
  ASSERT_EQ(f.kind, weft::FailureKind::AssertionFailed) << f;
  const weft::Failure again = failure_of(weft::replay(f.token, loses_a_job_on_crash));
  EXPECT_EQ(again, f);
  bool crashed = false;
  for (const auto& t : again.trace) crashed |= t.operation == "process.crash";
  EXPECT_TRUE(crashed) << again.trace_text();
}

TEST(IpcReplay, ATokenWithFaultsDoesNotFitABodyWithout) {
  const weft::Failure f =
      failure_of(weft::explore(loses_a_job_on_crash, weft::Options{}.iterations(5000).process_crashes(true)));
  const weft::Report r = weft::replay(f.token, [] {
    weft::queue<int> q;
    q.put(1);
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError);
}

// In a new process: the IPC scenarios of tests/replay_driver.cpp, run by
// Replay/CrossProcess in replay_test.cpp.

}  // namespace
