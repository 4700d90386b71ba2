// Replay and determinism, end to end: tokens, malformed tokens, divergence,
// and the same failure in a new process.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <array>
#include <cstdio>
#include <mutex>
#include <string>

namespace {

void lost_update() {
  weft::var<int> x{0};
  weft::thread a([&] { x.set(x.get() + 1); });
  weft::thread b([&] { x.set(x.get() + 1); });
  a.join();
  b.join();
  WEFT_ASSERT(x.get() == 2);
}

void three_way_lost_update() {
  weft::var<int> x{0};
  weft::thread a([&] { x.set(x.get() + 1); });
  weft::thread b([&] { x.set(x.get() + 1); });
  weft::thread c([&] { x.set(x.get() + 1); });
  a.join();
  b.join();
  c.join();
  WEFT_ASSERT(x.get() == 3);
}

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

weft::Failure failure_of(const weft::Report& r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? weft::Failure{} : *r.failure;
}

}  // namespace

TEST(Replay, ReproducesTheIdenticalFailureInProcess) {
  for (auto strategy : {weft::Strategy::random(), weft::Strategy::pct(3)}) {
    const auto found = failure_of(weft::explore(lost_update, weft::Options{}.strategy(strategy).iterations(5000)));
    const auto replayed = failure_of(weft::replay(found.token, lost_update));
    EXPECT_EQ(replayed.kind, found.kind);
    EXPECT_EQ(replayed.message, found.message);
    EXPECT_EQ(replayed.trace, found.trace);
    EXPECT_EQ(replayed.threads, found.threads);
    EXPECT_EQ(replayed.token, found.token);
    EXPECT_EQ(replayed.step, found.step);
  }
}

TEST(Replay, ReplayingTwiceGivesTheSameFailure) {
  const auto found = failure_of(weft::explore(three_way_lost_update, weft::Options{}.iterations(5000)));
  const auto first = failure_of(weft::replay(found.token, three_way_lost_update));
  const auto second = failure_of(weft::replay(found.token, three_way_lost_update));
  EXPECT_EQ(first.trace, second.trace);
  EXPECT_EQ(first.to_string(), second.to_string());
}

TEST(Replay, TokensAreShortAndShellSafe) {
  const auto found = failure_of(weft::explore(three_way_lost_update, weft::Options{}.iterations(5000)));
  EXPECT_EQ(found.token.rfind("w1.", 0), 0u);
  EXPECT_LT(found.token.size(), 64u) << found.token;
  for (char c : found.token)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') << found.token;
}

TEST(Replay, SameSeedSameExecutions) {
  const auto options = weft::Options{}.iterations(5000).seed(42);
  const auto a = weft::explore(three_way_lost_update, options);
  const auto b = weft::explore(three_way_lost_update, options);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.executions, b.executions);
  EXPECT_EQ(a.failure->to_string(), failure_of(b).to_string());
}

TEST(Replay, DifferentSeedsExploreDifferently) {
  std::set<std::uint64_t> executions;
  for (std::uint64_t seed = 1; seed <= 8; ++seed)
    executions.insert(
        weft::explore(three_way_lost_update, weft::Options{}.iterations(5000).seed(seed).race_detection(false))
            .executions);
  EXPECT_GT(executions.size(), 1u);
}

struct BadToken {
  const char* token;
  const char* says;
};

class MalformedToken : public ::testing::TestWithParam<BadToken> {};

TEST_P(MalformedToken, GivesAClearReplayError) {
  const weft::Report r = weft::replay(GetParam().token, lost_update);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError);
  EXPECT_NE(r.failure->message.find(GetParam().says), std::string::npos) << r.failure->message;
  EXPECT_EQ(r.executions, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Replay, MalformedToken,
    ::testing::Values(BadToken{"", "empty"}, BadToken{"hello", "not a weft token"},
                      BadToken{"w2.AAAA", "version 2"}, BadToken{"w1.AA", "too short"},
                      BadToken{"w1.AAALoI0GBw2$Ao4I", "is not part of a weft token"},
                      BadToken{"w1.AAALoI0GBw20Ao4J", "checksum"}));

TEST(Replay, TruncatedTokenIsRejected) {
  const auto found = failure_of(weft::explore(lost_update, weft::Options{}.iterations(5000)));
  const weft::Report r = weft::replay(found.token.substr(0, found.token.size() - 3), lost_update);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError);
  EXPECT_NE(r.failure->message.find("cannot replay"), std::string::npos) << r.failure->message;
}

TEST(Replay, TokenOfAnotherBodySaysWhereItDiverged) {
  const auto found =
      failure_of(weft::explore(three_way_lost_update, weft::Options{}.iterations(5000).race_detection(false)));
  const weft::Report r = weft::replay(found.token, [] {
    weft::thread a([] {});
    a.join();
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError);
  EXPECT_NE(r.failure->message.find("AssertionFailed at step"), std::string::npos) << r.failure->message;
  EXPECT_NE(r.failure->message.find("changed since the token was printed"), std::string::npos) << r.failure->message;
}

// Where a token leaves the body's schedule, the report shows the token's
// choice beside what each thread of the replay could do there, with
// locations, and the steps both had in common before.
TEST(Replay, DivergenceIsShownSideBySide) {
  const auto found = failure_of(weft::explore(lost_update, weft::Options{}.iterations(5000).race_detection(false)));
  const weft::Report r = weft::replay(found.token, [] {
    weft::var<int> x{0};
    auto add_five = [&] {
      for (int i = 0; i < 5; ++i) x.set(x.get() + 1);
    };
    weft::thread a(add_five);
    weft::thread b(add_five);
    a.join();
    b.join();
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError);
  const std::string& m = r.failure->message;
  EXPECT_NE(m.find("where the token and this replay part, at step "), std::string::npos) << m;
  EXPECT_NE(m.find("the token"), std::string::npos) << m;
  EXPECT_NE(m.find(" | this replay\n"), std::string::npos) << m;
  EXPECT_TRUE(m.find(" takes the step") != std::string::npos || m.find("no choice left") != std::string::npos) << m;
  EXPECT_NE(m.find("can run: "), std::string::npos) << m;
  EXPECT_NE(m.find("(replay_test.cpp:"), std::string::npos) << m;
  EXPECT_NE(m.find("last steps in common:\n  step  thread"), std::string::npos) << m;
}

TEST(Replay, TokenThatNoLongerFailsIsNotASilentPass) {
  const auto found = failure_of(weft::explore(lost_update, weft::Options{}.iterations(5000)));
  const weft::Report r = weft::replay(found.token, [] {
    weft::mutex m;
    weft::var<int> x{0};
    weft::thread a([&] { std::lock_guard g(m); x.set(x.get() + 1); });
    weft::thread b([&] { std::lock_guard g(m); x.set(x.get() + 1); });
    a.join();
    b.join();
    WEFT_ASSERT(x.get() == 2);
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError);
  EXPECT_NE(r.failure->message.find("changed since the token was printed"), std::string::npos) << r.failure->message;
}

// The same failure, step for step, in a new process: explore in one process,
// replay its token in another, and compare the whole reports.
void expect_identical_in_new_processes(const std::string& driver, const std::string& scenario) {
  const std::string explored = run(driver + " explore " + scenario);
  const std::string token = token_of(explored);
  ASSERT_FALSE(token.empty()) << explored;
  const std::string replayed = run(driver + " replay " + scenario + " " + token);
  EXPECT_EQ(replayed, explored);
  // Exploring again in yet another process finds the same failure: nothing
  // depends on addresses (ASLR differs per process) or time.
  EXPECT_EQ(run(driver + " explore " + scenario), explored);
}

class CrossProcess : public ::testing::TestWithParam<const char*> {};

TEST_P(CrossProcess, TokenReplayedInANewProcessGivesTheIdenticalTrace) {
  expect_identical_in_new_processes(WEFT_REPLAY_DRIVER, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Replay, CrossProcess,
                         ::testing::Values("lost_update", "lock_order", "notify_choice", "pipe_deadlock", "message_order",
                                           "faults"));

// The same for unmodified std::thread code run through weft::interpose.
class CrossProcessInterposed : public ::testing::TestWithParam<const char*> {};

TEST_P(CrossProcessInterposed, TokenReplayedInANewProcessGivesTheIdenticalTrace) {
  expect_identical_in_new_processes(WEFT_INTERPOSE_REPLAY_DRIVER, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Replay, CrossProcessInterposed,
                         ::testing::Values("std_lost_deposit", "std_transfer_deadlock", "std_lost_wakeup",
                                           "std_cache_double_fill"));

// The contract's own example: the lost update on an atomic load and store,
// found by pct(3) and replayed to the identical failure.
TEST(Replay, TheContractExample) {
  auto body = [] {
    weft::atomic<int> x{0};
    weft::thread a([&] { int v = x.load(); x.store(v + 1); });
    weft::thread b([&] { int v = x.load(); x.store(v + 1); });
    a.join();
    b.join();
    WEFT_ASSERT(x.load() == 2);
  };
  const weft::Report r =
      weft::explore(body, weft::Options{}.strategy(weft::Strategy::pct(3)).iterations(10'000).seed(7));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
  const weft::Report again = weft::replay(r.failure->token, body);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(*again.failure, *r.failure);
}
