// Replaying IPC failures: the same message order, the same faults, the same
// report, in this process and in a new one.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <array>
#include <cstdio>
#include <string>

#include "ipc_support.h"

namespace {

using ipc_test::failure_of;

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return "popen failed";
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
  ::pclose(pipe);
  return out;
}

std::string token_of(const std::string& driver_output) {
  const auto at = driver_output.find("TOKEN ");
  if (at == std::string::npos) return "";
  return driver_output.substr(at + 6, driver_output.find('\n', at) - at - 6);
}

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

class IpcCrossProcess : public ::testing::TestWithParam<const char*> {};

TEST_P(IpcCrossProcess, TokenReplayedInANewProcessGivesTheIdenticalReport) {
  const std::string driver = WEFT_IPC_REPLAY_DRIVER;
  const std::string explored = run(driver + " explore " + GetParam());
  const std::string token = token_of(explored);
  ASSERT_FALSE(token.empty()) << explored;
  EXPECT_EQ(run(driver + " replay " + GetParam() + " " + token), explored);
  EXPECT_EQ(run(driver + " explore " + GetParam()), explored);
}

INSTANTIATE_TEST_SUITE_P(IpcReplay, IpcCrossProcess, ::testing::Values("pipe_deadlock", "message_order", "faults"));

}  // namespace
