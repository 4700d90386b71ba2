// failures_test: every weft::FailureKind is reported with its kind, a message
// that names the culprit, the threads' states and the trace; every failure's
// token replays to the identical failure; a failed exploration leaves nothing
// behind that a later one could trip over; and crashes and stack overflows
// print their report and replay token before the process dies.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "weft/weft.h"

namespace {

// ------------------------------------------------------------ failing bodies

constexpr unsigned kAssertLine = __LINE__ + 3;
void assert_without_message() {
  int answer = 41;
  WEFT_ASSERT(answer == 42);
}

void assert_with_message() {
  int answer = 41;
  WEFT_ASSERT(answer == 42, "the answer is " + std::to_string(answer));
}

void assert_after_lost_update() {
  weft::var<int> counter{0};
  weft::thread a([&] { counter.set(counter.get() + 1); });
  weft::thread b([&] { counter.set(counter.get() + 1); });
  a.join();
  b.join();
  WEFT_ASSERT(counter.get() == 2, "an increment was lost");
}

void throw_in_body() { throw std::runtime_error("boom in the body"); }

void throw_in_thread() {
  weft::thread t([] { throw std::out_of_range("index 7 of 3"); });
  t.join();
}

void throw_non_std_in_thread() {
  weft::thread t([] { throw 42; });
  t.join();
}

void lock_order_deadlock() {
  weft::mutex a;
  weft::mutex b;
  // Explicit calls rather than std::lock_guard, so that the reported
  // locations are this file's lines and not <bits/std_mutex.h>'s.
  weft::thread t1([&] {
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
  });
  weft::thread t2([&] {
    b.lock();
    a.lock();
    a.unlock();
    b.unlock();
  });
  t1.join();
  t2.join();
}

void join_on_unnotified_waiter() {
  weft::mutex m;
  weft::condition_variable cv;
  weft::thread t([&] {
    std::unique_lock<weft::mutex> lk(m);
    cv.wait(lk);  // nobody ever notifies
  });
  t.join();
}

void latch_never_opens() {
  weft::latch done(2);
  weft::thread t([&] { done.count_down(); });
  done.wait();  // only one of two count-downs ever comes
  t.join();
}

void atomic_notify_one_with_two_waiters() {
  weft::atomic<int> a{0};
  auto waiter = [&] { a.wait(0); };
  weft::thread w1(waiter);
  weft::thread w2(waiter);
  a.store(1);
  a.notify_one();  // should be notify_all: a second waiter may sleep on
  w1.join();
  w2.join();
}

void spin_without_yield() {
  weft::atomic<bool> flag{false};
  weft::thread spinner([&] {
    while (!flag.load()) {
    }
  });
  spinner.join();
  flag.store(true);  // too late: the spinner is joined first
}

void unlock_by_non_owner() {
  weft::mutex m;
  m.lock();
  weft::thread t([&] { m.unlock(); });
  t.join();
  m.unlock();
}

void unlock_unlocked() {
  weft::mutex m;
  m.unlock();
}

void relock_non_recursive() {
  weft::mutex m;
  m.lock();
  m.lock();
  m.unlock();
}

void join_default_constructed() {
  weft::thread t;
  t.join();
}

void join_twice() {
  weft::thread t([] {});
  t.join();
  t.join();
}

void join_self() {
  weft::thread* self = nullptr;
  weft::thread t([&] { self->join(); });
  self = &t;  // no scheduling point since the spawn: T1 has not run yet
  t.join();
}

void detach_joined() {
  weft::thread t([] {});
  t.join();
  t.detach();
}

void destroy_locked_mutex() {
  auto m = std::make_unique<weft::mutex>();
  m->lock();
  m.reset();
  weft::this_thread::yield();
}

void destroy_joinable_thread() {
  { weft::thread t([] {}); }
  weft::this_thread::yield();
}

void assign_over_joinable_thread() {
  weft::thread t([] {});
  t = weft::thread([] {});
  t.join();
}

void semaphore_release_past_max() {
  weft::binary_semaphore s(1);
  s.release();
}

void latch_count_down_below_zero() {
  weft::latch l(1);
  l.count_down(2);
}

void wait_without_holding_the_mutex() {
  weft::mutex m;
  weft::condition_variable cv;
  std::unique_lock<weft::mutex> lk(m, std::defer_lock);
  cv.wait(lk);
}

void shared_mutex_unlock_of_a_shared_hold() {
  weft::shared_mutex m;
  m.lock_shared();
  m.unlock();
}

void shared_mutex_upgrade() {
  weft::shared_mutex m;
  m.lock_shared();
  m.lock();
}

void destroy_waited_condvar() {
  // The mutex is shared: T1 still holds it in its unique_lock when T0,
  // which returns without joining, has gone, and unwinds after it.
  const auto m = std::make_shared<weft::mutex>();
  auto cv = std::make_unique<weft::condition_variable>();
  bool waiting = false;
  weft::thread t([&, m] {
    std::unique_lock<weft::mutex> lk(*m);
    waiting = true;
    cv->wait(lk);
  });
  for (;;) {  // waiting is set under m, and wait releases m as it enqueues
    std::unique_lock<weft::mutex> lk(*m);
    if (waiting) break;
    lk.unlock();
    weft::this_thread::yield();
  }
  cv.reset();
  weft::this_thread::yield();
}

void destroy_locked_shared_mutex() {
  auto m = std::make_unique<weft::shared_mutex>();
  m->lock_shared();
  m.reset();
  weft::this_thread::yield();
}

void barrier_arrival_overflow() {
  weft::barrier<> b(1);
  (void)b.arrive(2);
}

// --------------------------------------------------- the table of failures

// FailureCase is one failing body, the kind it must fail with and the parts
// its message must contain.
struct FailureCase {
  const char* name;
  weft::FailureKind kind;
  void (*body)();
  std::vector<std::string> message_parts;
  weft::Options options = weft::Options{};
};

void PrintTo(const FailureCase& c, std::ostream* out) { *out << c.name; }

using weft::FailureKind;

const FailureCase kCases[] = {
    {"AssertWithoutMessage", FailureKind::AssertionFailed, assert_without_message,
     {"WEFT_ASSERT(answer == 42) failed", "(at failures_test.cpp:" + std::to_string(kAssertLine) + ")"}},
    {"AssertWithMessage", FailureKind::AssertionFailed, assert_with_message,
     {"WEFT_ASSERT(answer == 42) failed: the answer is 41"}},
    {"AssertAfterLostUpdate", FailureKind::AssertionFailed, assert_after_lost_update,
     {"WEFT_ASSERT(counter.get() == 2) failed: an increment was lost"},
     weft::Options{}.race_detection(false)},
    {"ThrowInBody", FailureKind::UncaughtException, throw_in_body,
     {"T0 threw std::runtime_error: boom in the body"}},
    {"ThrowInThread", FailureKind::UncaughtException, throw_in_thread,
     {"T1 threw std::out_of_range: index 7 of 3"}},
    {"ThrowNonStdInThread", FailureKind::UncaughtException, throw_non_std_in_thread,
     {"T1 threw an exception of type int"}},
    {"LockOrderDeadlock", FailureKind::Deadlock, lock_order_deadlock,
     {"deadlock: no thread can run", "wait for each other (cycle ", "mutex#1", "mutex#2"}},
    {"JoinOnUnnotifiedWaiter", FailureKind::Deadlock, join_on_unnotified_waiter,
     {"nothing left running can wake the waiting threads", "T1 waits in condvar.wait on condvar#1",
      "T0 waits in thread.join on T1"}},
    {"LatchNeverOpens", FailureKind::Deadlock, latch_never_opens,
     {"nothing left running can wake", "T0 waits in latch.wait on latch#1"}},
    {"AtomicNotifyOneWithTwoWaiters", FailureKind::Deadlock, atomic_notify_one_with_two_waiters,
     {"waits in atomic.wait on atomic#1"}},
    {"SpinWithoutYield", FailureKind::Hang, spin_without_yield,
     {"more than 505 steps (Options::max_steps with its share per thread)"}, weft::Options{}.max_steps(500)},
    {"UnlockByNonOwner", FailureKind::Misuse, unlock_by_non_owner, {"T1 unlocks mutex#1, which T0 holds"}},
    {"UnlockUnlocked", FailureKind::Misuse, unlock_unlocked, {"T0 unlocks mutex#1, which is not locked"}},
    {"RelockNonRecursive", FailureKind::Misuse, relock_non_recursive,
     {"T0 locks mutex#1, which it already holds"}},
    {"JoinDefaultConstructed", FailureKind::Misuse, join_default_constructed,
     {"T0 joins a weft::thread that is not joinable"}},
    {"JoinTwice", FailureKind::Misuse, join_twice, {"T0 joins a weft::thread that is not joinable"}},
    {"JoinSelf", FailureKind::Misuse, join_self, {"T1 joins itself"}},
    {"DetachJoined", FailureKind::Misuse, detach_joined, {"T0 detaches a weft::thread that is not joinable"}},
    {"DestroyLockedMutex", FailureKind::Misuse, destroy_locked_mutex,
     {"mutex#1 was destroyed while T0 held it"}},
    {"DestroyJoinableThread", FailureKind::Misuse, destroy_joinable_thread,
     {"the weft::thread of T1 was destroyed while joinable"}},
    {"AssignOverJoinableThread", FailureKind::Misuse, assign_over_joinable_thread,
     {"the weft::thread of T1 was assigned over while joinable"}},
    {"SemaphoreReleasePastMax", FailureKind::Misuse, semaphore_release_past_max,
     {"T0 releases semaphore#1 by 1 with count 1: past its maximum of 1"}},
    {"LatchCountDownBelowZero", FailureKind::Misuse, latch_count_down_below_zero,
     {"T0 counts latch#1 down by 2 with only 1 left"}},
    {"WaitWithoutHoldingTheMutex", FailureKind::Misuse, wait_without_holding_the_mutex,
     {"T0 waits on condvar#1 without holding mutex#1"}},
    {"SharedMutexUnlockOfASharedHold", FailureKind::Misuse, shared_mutex_unlock_of_a_shared_hold,
     {"T0 unlocks shared_mutex#1, which it does not hold exclusively"}},
    {"SharedMutexUpgrade", FailureKind::Misuse, shared_mutex_upgrade,
     {"T0 locks shared_mutex#1, which it already holds shared"}},
    {"DestroyWaitedCondvar", FailureKind::Misuse, destroy_waited_condvar,
     {"condvar#1 was destroyed while T1 waited on it"}},
    {"DestroyLockedSharedMutex", FailureKind::Misuse, destroy_locked_shared_mutex,
     {"shared_mutex#1 was destroyed while locked"}},
    {"BarrierArrivalOverflow", FailureKind::Misuse, barrier_arrival_overflow,
     {"T0 arrives at barrier#1 with 2 when only 1 arrivals are left"}},
};

// clean_body uses every kind of primitive correctly.
void clean_body() {
  weft::mutex m;
  weft::condition_variable cv;
  weft::counting_semaphore<2> sem(2);
  weft::latch done(2);
  weft::atomic<int> hits{0};
  bool ready = false;
  auto worker = [&] {
    sem.acquire();
    hits.fetch_add(1);
    sem.release();
    {
      std::unique_lock<weft::mutex> lk(m);
      cv.wait(lk, [&] { return ready; });
    }
    done.count_down();
  };
  weft::thread a(worker);
  weft::thread b(worker);
  {
    std::lock_guard<weft::mutex> hold(m);
    ready = true;
  }
  cv.notify_all();
  done.wait();
  a.join();
  b.join();
  WEFT_ASSERT(hits.load() == 2);
}

class FailureKinds : public ::testing::TestWithParam<FailureCase> {};

std::string case_name(const ::testing::TestParamInfo<FailureCase>& param) { return param.param.name; }

INSTANTIATE_TEST_SUITE_P(Cases, FailureKinds, ::testing::ValuesIn(kCases), case_name);

TEST_P(FailureKinds, IsFoundWithItsKindAndAMessageThatNamesTheCulprit) {
  const FailureCase& c = GetParam();
  const weft::Report r = weft::explore(c.body, c.options);
  ASSERT_FALSE(r.ok()) << "no failure in " << r.executions << " executions";
  const weft::Failure& f = *r.failure;
  EXPECT_EQ(f.kind, c.kind) << f;
  for (const std::string& part : c.message_parts)
    EXPECT_NE(f.message.find(part), std::string::npos) << "\"" << part << "\" is not in the message:\n" << f.message;
  EXPECT_EQ(f.execution, r.executions);
  EXPECT_EQ(f.token.rfind("w1.", 0), 0u) << f.token;
  EXPECT_FALSE(f.threads.empty());
  const std::string report = f.to_string();
  EXPECT_NE(report.find("weft: " + std::string(weft::to_string(c.kind))), std::string::npos) << report;
  EXPECT_NE(report.find("replay token: " + f.token), std::string::npos) << report;
}

TEST_P(FailureKinds, TokenReplaysToTheIdenticalFailure) {
  const FailureCase& c = GetParam();
  const weft::Report found = weft::explore(c.body, c.options);
  ASSERT_FALSE(found.ok());
  const weft::Failure& original = *found.failure;
  const weft::Report replayed = weft::replay(original.token, c.body, c.options);
  ASSERT_FALSE(replayed.ok()) << "the replay did not fail";
  const weft::Failure& again = *replayed.failure;
  EXPECT_EQ(replayed.executions, 1u);
  EXPECT_EQ(again.kind, original.kind) << again;
  EXPECT_EQ(again.message, original.message);
  EXPECT_EQ(again.step, original.step);
  EXPECT_EQ(again.token, original.token);
  EXPECT_TRUE(again.trace == original.trace) << "original:\n" << original.trace_text() << "replayed:\n" << again.trace_text();
  EXPECT_TRUE(again.threads == original.threads);
}

TEST_P(FailureKinds, ExploringTwiceFindsTheSameFailure) {
  const FailureCase& c = GetParam();
  const weft::Report first = weft::explore(c.body, c.options);
  const weft::Report second = weft::explore(c.body, c.options);
  ASSERT_FALSE(first.ok());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(first.executions, second.executions);
  EXPECT_EQ(first.failure->token, second.failure->token);
  EXPECT_TRUE(first.failure->trace == second.failure->trace);
}

TEST_P(FailureKinds, ALaterExplorationInTheSameProcessIsClean) {
  const FailureCase& c = GetParam();
  ASSERT_FALSE(weft::explore(c.body, c.options).ok());
  const weft::Report r = weft::explore(clean_body, weft::Options{}.iterations(200));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(r.executions, 200u);
}

// ------------------------------------------------------- detailed reports

const weft::ThreadSnapshot* snapshot(const weft::Failure& f, std::uint32_t thread) {
  for (const auto& t : f.threads)
    if (t.thread == thread) return &t;
  return nullptr;
}

TEST(AssertionFailed, PointsAtTheAssertAndTheThreadThatRanIt) {
  const weft::Report r = weft::explore(assert_without_message);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->execution, 1u);
  EXPECT_EQ(r.failure->message,
            "WEFT_ASSERT(answer == 42) failed (at failures_test.cpp:" + std::to_string(kAssertLine) + ")");
  const weft::ThreadSnapshot* body = snapshot(*r.failure, 0);
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->state, "running");
}

TEST(AssertionFailed, LostUpdateTraceShowsTheInterleavedAccesses) {
  const weft::Report r = weft::explore(assert_after_lost_update, weft::Options{}.race_detection(false));
  ASSERT_FALSE(r.ok());
  int reads_of_zero = 0;
  for (const weft::TraceStep& s : r.failure->trace)
    if (s.operation == "var.read" && s.detail == "-> 0") ++reads_of_zero;
  EXPECT_EQ(reads_of_zero, 2) << r.failure->trace_text();
}

TEST(Deadlock, LockOrderReportNamesTheCycleAndWhatEachThreadWaitsFor) {
  const weft::Report r = weft::explore(lock_order_deadlock);
  ASSERT_FALSE(r.ok());
  const weft::Failure& f = *r.failure;
  ASSERT_EQ(f.kind, weft::FailureKind::Deadlock) << f;
  const bool cycle = f.message.find("(cycle T1 -> T2 -> T1)") != std::string::npos ||
                     f.message.find("(cycle T2 -> T1 -> T2)") != std::string::npos;
  EXPECT_TRUE(cycle) << f.message;
  ASSERT_EQ(f.threads.size(), 3u);
  EXPECT_EQ(f.threads[0].state, "blocked");
  EXPECT_EQ(f.threads[0].waiting_for, "thread.join on T1");
  std::vector<std::string> locks;
  for (std::uint32_t t : {1u, 2u}) {
    const weft::ThreadSnapshot& s = f.threads[t];
    EXPECT_EQ(s.state, "blocked") << f;
    EXPECT_EQ(s.waiting_for.rfind("mutex.lock on mutex#", 0), 0u) << s.waiting_for;
    EXPECT_NE(s.waiting_for.find(t == 1 ? "held by T2" : "held by T1"), std::string::npos) << s.waiting_for;
    EXPECT_EQ(s.file, "failures_test.cpp");
    EXPECT_GT(s.line, 0u);
    locks.push_back(s.waiting_for.substr(0, s.waiting_for.find(',')));
  }
  EXPECT_NE(locks[0], locks[1]) << "both threads wait for the same mutex";
}

TEST(Deadlock, JoinOnAWaiterNobodyNotifiesSaysNothingCanWakeIt) {
  const weft::Report r = weft::explore(join_on_unnotified_waiter);
  ASSERT_FALSE(r.ok());
  const weft::Failure& f = *r.failure;
  ASSERT_EQ(f.kind, weft::FailureKind::Deadlock) << f;
  EXPECT_EQ(f.message.find("cycle"), std::string::npos) << f.message;
  ASSERT_EQ(f.threads.size(), 2u);
  EXPECT_EQ(f.threads[0].waiting_for, "thread.join on T1");
  EXPECT_EQ(f.threads[1].state, "blocked");
  EXPECT_EQ(f.threads[1].waiting_for, "condvar.wait on condvar#1");
}

TEST(Deadlock, NotifyOneWithTwoAtomicWaitersLeavesExactlyOneAsleep) {
  const weft::Report r = weft::explore(atomic_notify_one_with_two_waiters);
  ASSERT_FALSE(r.ok());
  const weft::Failure& f = *r.failure;
  ASSERT_EQ(f.kind, weft::FailureKind::Deadlock) << f;
  ASSERT_EQ(f.threads.size(), 3u);
  EXPECT_EQ(f.threads[0].waiting_for.rfind("thread.join on T", 0), 0u) << f;
  int asleep = 0;
  int finished = 0;
  for (std::uint32_t t : {1u, 2u}) {
    if (f.threads[t].waiting_for == "atomic.wait on atomic#1") ++asleep;
    if (f.threads[t].state == "finished") ++finished;
  }
  EXPECT_EQ(asleep, 1) << f;
  EXPECT_EQ(finished, 1) << f;
}

TEST(Hang, SpinWithoutYieldOnAFlagNobodySetsHangs) {
  for (const weft::Strategy s : {weft::Strategy::pct(3), weft::Strategy::random()}) {
    const weft::Report r = weft::explore(spin_without_yield, weft::Options{}.strategy(s).max_steps(500));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure->kind, weft::FailureKind::Hang) << *r.failure;
    EXPECT_EQ(r.failure->execution, 1u);
    // The step budget: max_steps, plus max_steps / 100 for the one thread
    // after the first (the spinner).
    EXPECT_EQ(r.failure->step, 506u);
    EXPECT_TRUE(r.failure->message.find("more than 505 steps (Options::max_steps with its share per thread)") !=
                std::string::npos)
        << *r.failure;
  }
}

// spin_until_set waits for a flag another thread sets, yielding or not.
template <bool Yield>
void spin_until_set() {
  weft::atomic<bool> flag{false};
  weft::thread setter([&] { flag.store(true); });
  weft::thread spinner([&] {
    while (!flag.load()) {
      if constexpr (Yield) weft::this_thread::yield();
    }
  });
  setter.join();
  spinner.join();
}

TEST(Hang, SpinWithYieldNeverHangs) {
  for (const weft::Strategy s : {weft::Strategy::pct(3), weft::Strategy::random()}) {
    const weft::Report r = weft::explore(spin_until_set<true>, weft::Options{}.strategy(s).iterations(1000));
    EXPECT_TRUE(r.ok()) << s.to_string() << ": " << r;
  }
}

TEST(Hang, SpinWithoutYieldOnAFlagAnotherThreadSetsHangsUnderPctWithFewSteps) {
  // PCT runs the higher-priority spinner for as long as it can run.
  const weft::Report r =
      weft::explore(spin_until_set<false>, weft::Options{}.strategy(weft::Strategy::pct(1)).max_steps(500));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Hang) << *r.failure;
}

TEST(ReplayError, AMalformedTokenIsReportedNotReplayed) {
  for (const char* token : {"", "garbage", "w1.", "w9.AAAA", "w1.!!!"}) {
    const weft::Report r = weft::replay(token, clean_body);
    ASSERT_FALSE(r.ok()) << token;
    EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError) << token;
    EXPECT_NE(r.failure->message.find("cannot replay this token"), std::string::npos) << r.failure->message;
  }
}

// fixed_update is assert_after_lost_update with the bug fixed.
void fixed_update() {
  weft::atomic<int> counter{0};
  weft::thread a([&] { counter.fetch_add(1); });
  weft::thread b([&] { counter.fetch_add(1); });
  a.join();
  b.join();
  WEFT_ASSERT(counter.load() == 2, "an increment was lost");
}

TEST(ReplayError, ATokenReplayedOnABodyThatNoLongerFailsSaysSo) {
  const weft::Report found = weft::explore(assert_after_lost_update, weft::Options{}.race_detection(false));
  ASSERT_FALSE(found.ok());
  const weft::Report r = weft::replay(found.failure->token, fixed_update);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError) << *r.failure;
  EXPECT_NE(r.failure->message.find("the token recorded AssertionFailed"), std::string::npos) << r.failure->message;
}

TEST(ReplayError, ATokenReplayedOnAnotherFailingBodySaysWhatItFoundInstead) {
  const weft::Report found = weft::explore(unlock_unlocked);
  ASSERT_FALSE(found.ok());
  const weft::Report r = weft::replay(found.failure->token, assert_with_message);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError) << *r.failure;
  EXPECT_NE(r.failure->message.find("the token recorded Misuse"), std::string::npos) << r.failure->message;
  EXPECT_NE(r.failure->message.find("AssertionFailed"), std::string::npos) << r.failure->message;
}

// ------------------------------------------------------------------ crashes

void null_write_in_thread() {
  weft::thread t([] {
    // An unmapped, non-null address: UndefinedBehaviorSanitizer reports a
    // null store itself, and this test is about a real fault.
    volatile int* volatile p = reinterpret_cast<volatile int*>(std::uintptr_t{64});
    *p = 42;
  });
  t.join();
}

int recurse(int depth, int limit) {
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  if (depth == limit) return frame[0];
  return recurse(depth + 1, limit) + frame[0];
}

void overflow_in_thread() {
  static volatile int limit = 1 << 30;  // never reached: the 64 KiB stack ends first
  weft::thread t([] { (void)recurse(0, limit); });
  t.join();
}

// A crash on a weft thread is a failure of the execution: the thread is
// dropped where it stands, the exploration reports it, and the process
// lives on to run the next test.
TEST(Crash, NullPointerWriteInAWeftThreadIsReportedAndTheProcessLivesOn) {
  const weft::Report r = weft::explore(null_write_in_thread, weft::Options{}.iterations(10));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Crash);
  EXPECT_NE(r.failure->message.find("T1 received SIGSEGV"), std::string::npos) << r.failure->message;
  EXPECT_EQ(r.failure->token.rfind("w1.", 0), 0u);
  EXPECT_EQ(r.executions, 1u);
}

TEST(Crash, StackOverflowInAWeftThreadIsReportedAsSuch) {
  const weft::Report r = weft::explore(overflow_in_thread, weft::Options{}.iterations(10).stack_size(64 * 1024));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Crash);
  EXPECT_NE(r.failure->message.find("stack overflow in T1"), std::string::npos) << r.failure->message;
}

TEST(Crash, TheCrashTokenReplaysToTheSameCrash) {
  const weft::Report found = weft::explore(null_write_in_thread, weft::Options{}.iterations(10));
  ASSERT_FALSE(found.ok());
  const weft::Report again = weft::replay(found.failure->token, null_write_in_thread);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.failure->to_string(), found.failure->to_string());
}

TEST(Crash, ManyCrashesInOneProcessAreEachReported) {
  // Each crash drops a thread mid-flight: its stack goes back to the pool.
  for (int i = 0; i < 200; ++i) {
    const weft::Report r = weft::explore(overflow_in_thread, weft::Options{}.iterations(1).stack_size(64 * 1024));
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.failure->kind, weft::FailureKind::Crash);
  }
}

// An exception thrown through a noexcept function reaches std::terminate:
// the thread ends there and the exploration reports it.
[[noreturn]] void throw_logic_error() { throw std::logic_error("from deep inside"); }
void (*volatile thrower)() = &throw_logic_error;
void rethrow_through_noexcept() noexcept { thrower(); }

TEST(Crash, AnExceptionThroughNoexceptIsAnUncaughtExceptionNotTheEndOfTheProcess) {
  const weft::Report r = weft::explore(
      [] {
        weft::thread t([] { rethrow_through_noexcept(); });
        t.join();
      },
      weft::Options{}.iterations(5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::UncaughtException);
  EXPECT_NE(r.failure->message.find("std::logic_error (from deep inside)"), std::string::npos) << r.failure->message;
}

// weft's own unwinding, stopped by a noexcept function, ends only that
// thread: the failure that ended the execution is the one reported.
void unwound_through_noexcept() noexcept {
  weft::mutex m;
  m.lock();
  m.unlock();
}

TEST(Crash, WeftsUnwindingThroughNoexceptReportsTheFailureThatCausedIt) {
  const weft::Report r = weft::explore(
      [] {
        weft::thread t([] {
          for (;;) unwound_through_noexcept();
        });
        t.join();
      },
      weft::Options{}.iterations(1).max_steps(50));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Hang);
}

TEST(Crash, ACrashThatDoesNotComeBackIsNotBlamedOnTheUser) {
  // The third execution crashes because of what earlier ones left behind,
  // as memory a bug corrupted would: the replay cannot crash the same way.
  static int executions = 0;
  const auto body = [] {
    const bool crash = ++executions == 3;
    weft::thread t([crash] {
      if (crash) {
        volatile int* volatile p = reinterpret_cast<volatile int*>(std::uintptr_t{64});
        *p = 42;
      }
    });
    t.join();
  };
  const weft::Report found = weft::explore(body, weft::Options{}.iterations(10));
  ASSERT_FALSE(found.ok());
  ASSERT_EQ(found.failure->kind, weft::FailureKind::Crash);
  const weft::Report again = weft::replay(found.failure->token, body);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.failure->kind, weft::FailureKind::ReplayError);
  EXPECT_NE(again.failure->message.find("the crash is not reproducible"), std::string::npos) << again.failure->message;
  EXPECT_EQ(again.failure->message.find("changed since"), std::string::npos) << again.failure->message;
}

TEST(Exit, ExitInABodyIsAFailureWithAToken) {
  const auto body = [] {
    weft::thread t([] { std::exit(0); });
    t.join();
  };
  const weft::Report r = weft::explore(body, weft::Options{}.iterations(5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
  EXPECT_NE(r.failure->message.find("T1 called exit(0)"), std::string::npos) << r.failure->message;
  const weft::Report again = weft::replay(r.failure->token, body);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.failure->to_string(), r.failure->to_string());
}

TEST(Exit, AbortInABodyIsACrash) {
  const weft::Report aborted = weft::explore([] { std::abort(); }, weft::Options{}.iterations(1));
  ASSERT_FALSE(aborted.ok());
  EXPECT_EQ(aborted.failure->kind, weft::FailureKind::Crash);
  EXPECT_NE(aborted.failure->message.find("T0 called abort()"), std::string::npos) << aborted.failure->message;
}

// ------------------------------------------------------- open engine bugs
//
// A failure raised at a scheduling point inside a destructor throws
// weft::sched::Unwind out of that destructor; destructors are noexcept, so
// std::terminate kills the process instead of weft reporting the failure.
// The throw is in Execution::step (scheduler/execution.cpp): decide() calls
// fail(), which throws Unwind when std::uncaught_exceptions() == 0 (a Hang
// or a ReplayError found at that step), and abort_point() throws the same
// way when unwind_all() resumes a thread that was suspended at a scheduling
// point inside a destructor. std::lock_guard, std::unique_lock and
// std::scoped_lock unlock weft mutexes from their destructors, so any
// failing test that uses them can hit it. The tests run in a child process
// so that, enabled, they fail instead of killing this binary.

void hang_reached_at_a_guard_unlock() {
  weft::mutex m;
  for (;;) {
    std::lock_guard<weft::mutex> hold(m);  // step 2k+1: lock; step 2k+2: the unlock in ~lock_guard
  }
}

void fail_while_another_thread_unlocks_in_a_guard() {
  weft::mutex m;
  weft::atomic<bool> locked{false};
  weft::thread t([&] {
    std::lock_guard<weft::mutex> hold(m);
    locked.store(true);
  });  // T1's next scheduling point is the unlock in ~lock_guard
  while (!locked.load()) weft::this_thread::yield();
  WEFT_ASSERT(false, "T1 may be suspended at the unlock in ~lock_guard");
  t.join();
}

TEST(DestructorSteps, HangDetectedAtALockIsReported) {
  // The control for the next test: max_steps(100) lands the limit on a lock.
  const weft::Report r = weft::explore(hang_reached_at_a_guard_unlock, weft::Options{}.max_steps(100).iterations(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Hang);
}

TEST(DestructorStepsDeathTest, HangDetectedAtTheUnlockInALockGuardDestructorIsReported) {
  // A scheduling point in a destructor must never throw weft's unwinding
  // exception: that would be std::terminate, not a report.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const weft::Report r =
            weft::explore(hang_reached_at_a_guard_unlock, weft::Options{}.max_steps(101).iterations(1));
        std::exit(!r.ok() && r.failure->kind == weft::FailureKind::Hang ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(DestructorStepsDeathTest, AFailureWhileAnotherThreadIsSuspendedInAGuardDestructorIsReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        for (std::uint64_t seed = 1; seed <= 20; ++seed) {
          // Without shrinking: its guided runs reach a Hang in the spin, where
          // T0 unwinds (destroying m) before T1, suspended at its store, unwinds
          // through ~lock_guard onto the destroyed mutex (a known weakness of
          // the unwinding order, open in issue 13's note).
          const weft::Report r =
              weft::explore(fail_while_another_thread_unlocks_in_a_guard,
                            weft::Options{}.strategy(weft::Strategy::random()).seed(seed).shrink(false));
          if (r.ok() || r.failure->kind != weft::FailureKind::AssertionFailed) std::exit(1);
        }
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(DestructorStepsDeathTest, AReplayThatDivergesAtAGuardUnlockIsAReplayError) {
  // The replay's mismatch is found at the unlock in a ~lock_guard.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const weft::Report found = weft::explore(assert_after_lost_update);
        const weft::Report r = weft::replay(found.failure->token, clean_body);
        std::exit(!r.ok() && r.failure->kind == weft::FailureKind::ReplayError ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
