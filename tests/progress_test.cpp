// progress_test: the live progress line of a long exploration (issue 12,
// item 5). The line's timing runs on a fake clock; one end-to-end test
// lets a real exploration pass the one-second mark by sleeping.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "progress_line.h"
#include "weft/weft.h"

namespace {

using namespace std::chrono_literals;
using weft::detail::ProgressLine;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  ProgressLine::Clock reader() {
    return [this] { return now; };
  }
};

TEST(ProgressLine, SilentDuringTheFirstSecond) {
  FakeClock clock;
  std::ostringstream out;
  ProgressLine line(true, out, clock.reader());
  clock.now += 999ms;
  line.update(500, 0, 0);
  EXPECT_EQ(out.str(), "");
  EXPECT_FALSE(line.shows());
}

TEST(ProgressLine, ShowsExecutionsRateAndFailuresThenErases) {
  FakeClock clock;
  std::ostringstream out;
  {
    ProgressLine line(true, out, clock.reader());
    clock.now += 2s;
    line.update(1000, 0, 3);
    EXPECT_EQ(out.str(), "\r\033[Kweft: 1000 executions, 500/s, 0 failures, 3 discarded, 2 s");
    // Within the update interval: no rewrite.
    clock.now += 100ms;
    line.update(1050, 0, 3);
    EXPECT_EQ(out.str(), "\r\033[Kweft: 1000 executions, 500/s, 0 failures, 3 discarded, 2 s");
    clock.now += 1900ms;
    line.update(4000, 1, 0, 37);
    EXPECT_NE(out.str().find("\r\033[Kweft: 4000 executions, 37 classes, 1000/s, 1 failure, 4 s"), std::string::npos)
        << out.str();
  }
  // The destructor erases the line, so what follows starts clean.
  const std::string s = out.str();
  EXPECT_EQ(s.substr(s.size() - 4), "\r\033[K");
}

TEST(ProgressLine, NotShownWritesNothing) {
  FakeClock clock;
  std::ostringstream out;
  {
    ProgressLine line(false, out, clock.reader());
    clock.now += 10s;
    line.update(1000, 0, 0);
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressSetting, AutoIsSilentUnderCtest) {
  ::setenv("DASHBOARD_TEST_FROM_CTEST", "3.25", 1);
  EXPECT_FALSE(weft::detail::progress_shown(weft::Progress::Auto));
  EXPECT_TRUE(weft::detail::progress_shown(weft::Progress::On));
  EXPECT_FALSE(weft::detail::progress_shown(weft::Progress::Off));
  ::unsetenv("DASHBOARD_TEST_FROM_CTEST");
}

TEST(ProgressSetting, FromEnvironment) {
  ::setenv("WEFT_PROGRESS", "1", 1);
  EXPECT_EQ(weft::Options{}.from_environment().progress(), weft::Progress::On);
  ::setenv("WEFT_PROGRESS", "0", 1);
  EXPECT_EQ(weft::Options{}.from_environment().progress(), weft::Progress::Off);
  ::setenv("WEFT_PROGRESS", "sometimes", 1);
  try {
    (void)weft::Options{}.from_environment();
    ADD_FAILURE() << "WEFT_PROGRESS=sometimes was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("WEFT_PROGRESS"), std::string::npos) << e.what();
  }
  ::unsetenv("WEFT_PROGRESS");
}

// A body whose first execution takes over a second of real time: the line
// must show after it and be erased before explore returns.
void slow_first_execution(bool& slept) {
  weft::atomic<int> x{0};
  weft::thread t([&] { x.fetch_add(1); });
  x.fetch_add(1);
  t.join();
  if (!slept) {
    slept = true;
    std::this_thread::sleep_for(1100ms);
  }
}

TEST(ProgressLine, ExploreShowsItWhenAsked) {
  bool slept = false;
  testing::internal::CaptureStderr();
  const weft::Report r = weft::explore([&] { slow_first_execution(slept); },
                                       weft::Options{}.iterations(3).progress(weft::Progress::On));
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(r.ok());
  EXPECT_NE(err.find("weft: 1 executions"), std::string::npos) << err;
  EXPECT_EQ(err.substr(err.size() - 4), "\r\033[K");
}

TEST(ProgressLine, ExploreIsSilentWhenOff) {
  bool slept = false;
  testing::internal::CaptureStderr();
  const weft::Report r = weft::explore([&] { slow_first_execution(slept); },
                                       weft::Options{}.iterations(3).progress(weft::Progress::Off));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

}  // namespace
