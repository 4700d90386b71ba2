// ThreadSanitizer mode, end to end: this file is user code built with clang
// -fsanitize=thread and linked with weft::tsan. Races on plain memory become
// weft DataRace failures with TSan's description, both stacks and a token
// that replays them; weft's own primitives create exactly the edges TSan
// needs, so correct programs are never reported.

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "sample.h"
#include "weft/weft.h"

namespace {

namespace vector_sample = weft::samples::unprotected_vector;

weft::Failure failure_of(const weft::Report& r) {
  EXPECT_FALSE(r.ok()) << "no failure in " << r.executions << " executions";
  return r.ok() ? weft::Failure{} : *r.failure;
}

// expect_clean runs `body` under the random walk and under PCT. A false
// report (weft's own memory, or an order TSan was not told of) shows in
// the first executions that take each path; 500 of each cover the bodies
// below many times over (2,000 of each took 10 to 16 s a test).
void expect_clean(void (*body)(), std::uint64_t iterations = 500) {
  for (auto strategy : {weft::Strategy::random(), weft::Strategy::pct(3)}) {
    const weft::Report r = weft::explore(body, weft::Options{}.strategy(strategy).iterations(iterations));
    EXPECT_TRUE(r.ok()) << r.failure->to_string();
    EXPECT_EQ(r.executions, iterations);
  }
}

void expect_race(void (*body)()) {
  const weft::Failure f = failure_of(weft::explore(body, weft::Options{}.iterations(2000)));
  EXPECT_EQ(f.kind, weft::FailureKind::DataRace) << f.to_string();
  EXPECT_NE(f.message.find("ThreadSanitizer: data-race"), std::string::npos) << f.message;
}

std::string run(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return "popen failed";
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
  const int s = ::pclose(pipe);
  if (status) *status = WIFEXITED(s) ? WEXITSTATUS(s) : -1;
  return out;
}

TEST(Tsan, UnprotectedVectorIsADataRaceWithBothStacks) {
  const weft::Failure f = failure_of(weft::explore(vector_sample::buggy, weft::Options{}.iterations(100)));
  EXPECT_EQ(f.kind, weft::FailureKind::DataRace);
  EXPECT_EQ(f.execution, 1u);  // the two push_backs are unordered in every schedule
  EXPECT_NE(f.message.find("ThreadSanitizer: data-race"), std::string::npos) << f.message;
  // Both accesses, each with its weft thread and a stack down to the
  // sample's own lines.
  EXPECT_NE(f.message.find("previously"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("unprotected_vector.cpp:24"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("unprotected_vector.cpp:25"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("T1 "), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("T2 "), std::string::npos) << f.message;
  EXPECT_EQ(f.message.find("weft::sched::"), std::string::npos) << "weft's own frames: " << f.message;
  EXPECT_FALSE(f.token.empty());
}

TEST(Tsan, TheTokenReplaysTheIdenticalFailure) {
  const weft::Failure found = failure_of(weft::explore(vector_sample::buggy, weft::Options{}.iterations(100)));
  const weft::Failure again = failure_of(weft::replay(found.token, vector_sample::buggy));
  EXPECT_EQ(again, found) << again.to_string() << "\nvs\n" << found.to_string();
}

TEST(Tsan, ARaceIsReportedAgainInEveryLaterExploration) {
  // TSan reports a pair of stacks, or an address, once per process by
  // default, and stops watching an address it reported: weft turns both off,
  // or the second search for the same bug would find nothing.
  for (int round = 0; round < 3; ++round) {
    const weft::Failure f = failure_of(weft::explore(vector_sample::buggy, weft::Options{}.seed(7 + round)));
    EXPECT_EQ(f.kind, weft::FailureKind::DataRace) << "round " << round;
  }
}

int executions_so_far = 0;  // outside weft: counts the executions of the next test's body

TEST(Tsan, ARaceInALaterExecutionIsFound) {
  // The first nine executions lock, the tenth does not: what TSan learnt
  // in the clean ones (the same addresses, the same fibers) must not hide it.
  executions_so_far = 0;
  auto body = [] {
    const bool lock = ++executions_so_far < 10;
    std::vector<int> v;
    weft::mutex m;
    auto append = [&](int x) {
      std::unique_lock guard(m, std::defer_lock);
      if (lock) guard.lock();
      v.push_back(x);
    };
    weft::thread a(append, 1);
    weft::thread b(append, 2);
    a.join();
    b.join();
  };
  const weft::Failure f = failure_of(weft::explore(body, weft::Options{}.iterations(100)));
  EXPECT_EQ(f.kind, weft::FailureKind::DataRace) << f.to_string();
  EXPECT_EQ(f.execution, 10u);
}

TEST(Tsan, FixedTwinIsClean) { expect_clean(vector_sample::fixed, 1000); }

// --- Correct programs: every edge weft's primitives create reaches TSan. ---

void message_passing_release_acquire() {
  auto payload = std::make_unique<std::vector<int>>();
  weft::atomic<bool> ready{false};
  weft::thread producer([&] {
    payload->assign({1, 2, 3});
    ready.store(true, std::memory_order_release);
  });
  weft::thread consumer([&] {
    while (!ready.load(std::memory_order_acquire)) weft::this_thread::yield();
    WEFT_ASSERT(payload->size() == 3);
  });
  producer.join();
  consumer.join();
}

void condition_variable_hand_off() {
  weft::mutex m;
  weft::condition_variable cv;
  std::string box;
  bool full = false;
  weft::thread producer([&] {
    std::string message = "hello";
    std::lock_guard lock(m);
    box = std::move(message);
    full = true;
    cv.notify_one();
  });
  weft::thread consumer([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return full; });
    WEFT_ASSERT(box == "hello");
  });
  producer.join();
  consumer.join();
}

void semaphore_and_latch_hand_off() {
  int by_semaphore = 0;
  int by_latch = 0;
  weft::binary_semaphore sent{0};
  weft::latch done{1};
  weft::thread a([&] {
    by_semaphore = 1;
    sent.release();
    by_latch = 2;
    done.count_down();
  });
  weft::thread b([&] {
    sent.acquire();
    WEFT_ASSERT(by_semaphore == 1);
    done.wait();
    WEFT_ASSERT(by_latch == 2);
  });
  a.join();
  b.join();
}

void barrier_phases_with_completion() {
  std::array<int, 2> slots{};
  int total = 0;  // written by the completion function, read by both after the wait
  weft::barrier sync(2, [&]() noexcept { total = slots[0] + slots[1]; });
  auto worker = [&](int me) {
    for (int round = 1; round <= 2; ++round) {
      slots[static_cast<std::size_t>(me)] = round;
      sync.arrive_and_wait();
      WEFT_ASSERT(total == 2 * round);
      sync.arrive_and_wait();  // nobody writes a slot before both have read total
    }
  };
  weft::thread a(worker, 0);
  weft::thread b(worker, 1);
  a.join();
  b.join();
}

void readers_and_writer() {
  weft::shared_mutex m;
  std::vector<int> table{1};
  auto reader = [&] {
    std::shared_lock lock(m);
    WEFT_ASSERT(!table.empty());
  };
  weft::thread r1(reader);
  weft::thread r2(reader);
  weft::thread w([&] {
    std::lock_guard lock(m);
    table.push_back(2);
  });
  r1.join();
  r2.join();
  w.join();
}

void spawn_and_join_hand_off() {
  auto data = std::make_unique<int>(1);
  weft::thread child([&] { *data += 1; });  // after the parent's write: spawn orders it
  child.join();
  WEFT_ASSERT(*data == 2);  // after the child's write: join orders it
  data.reset();             // freed by the parent after the child touched it
}

void memory_freed_by_another_thread() {
  std::vector<int>* handed = nullptr;
  weft::mutex m;
  weft::thread maker([&] {
    auto* v = new std::vector<int>(100, 7);
    std::lock_guard lock(m);
    handed = v;
  });
  weft::thread taker([&] {
    for (;;) {
      std::unique_lock lock(m);
      if (handed) break;
      lock.unlock();
      weft::this_thread::yield();
    }
    delete handed;
  });
  maker.join();
  taker.join();
}

void many_waiters() {
  // weft's own bookkeeping (waiter lists, events) grows on whichever fiber
  // runs and is freed on another: TSan must not see it.
  weft::mutex m;
  weft::condition_variable cv;
  weft::atomic<int> generation{0};
  int released = 0;
  std::vector<weft::thread> waiters;
  for (int i = 0; i < 6; ++i) {
    waiters.emplace_back([&] {
      {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return released > 0; });
      }
      generation.wait(0);
    });
  }
  {
    std::lock_guard lock(m);
    released = 1;
  }
  cv.notify_all();
  generation.store(1);
  generation.notify_all();
  for (auto& t : waiters) t.join();
}

void pointer_through_a_queue() {
  // The send happens before the receive of that message: what the producer
  // wrote into the vector is the consumer's to read and free.
  weft::queue<std::vector<int>*> q(1);
  weft::thread producer([&] {
    for (int i = 0; i < 3; ++i) q.put(new std::vector<int>(8, i));
    q.close();
  });
  weft::thread consumer([&] {
    while (auto got = q.get()) {
      WEFT_ASSERT((*got)->size() == 8);
      delete *got;
    }
  });
  producer.join();
  consumer.join();
}

TEST(TsanClean, APointerPassedThroughAQueue) { expect_clean(pointer_through_a_queue, 1000); }

void processes_pipes_and_a_pool() {
  // Processes share nothing here: every value crosses a pipe, a byte stream
  // or a future, and weft's storage for it is weft's own business.
  auto [parent, child_end] = weft::pipe();
  weft::process child("child", [](weft::pipe_end<> end) {
    while (auto request = end.recv()) end.send("echo: " + *request);
  }, child_end);
  for (const char* word : {"one", "two"}) {
    parent.send(word);
    auto reply = parent.recv();
    WEFT_ASSERT(reply && *reply == std::string("echo: ") + word);
  }
  parent.close();
  WEFT_ASSERT(child.wait().ok());

  auto [a, b] = weft::byte_pipe();
  weft::process writer("writer", [](weft::stream_end end) { end.write_all("hello, stream"); end.close(); }, b);
  std::string got;
  while (auto chunk = a.read()) got += *chunk;
  WEFT_ASSERT(got == "hello, stream");
  writer.join();

  weft::pool workers(2);
  const std::vector<std::vector<int>> inputs{{1, 2}, {3, 4, 5}, {6}};
  const std::vector<int> sums = workers.map([](const std::vector<int>& v) {
    int sum = 0;
    for (int x : v) sum += x;
    return sum;
  }, inputs);
  WEFT_ASSERT(sums == std::vector<int>({3, 12, 6}));
  workers.close();
  workers.join();
}

TEST(TsanClean, ProcessesPipesAByteStreamAndAPool) { expect_clean(processes_pipes_and_a_pool, 300); }

TEST(TsanRace, TouchingWhatWasSentAway) {
  expect_race([] {
    weft::queue<int*> q;
    int payload = 0;
    weft::thread producer([&] {
      q.put(&payload);
      payload = 1;  // after the send: the consumer may be reading it
    });
    weft::thread consumer([&] {
      if (auto got = q.get()) WEFT_ASSERT(**got >= 0);
    });
    producer.join();
    consumer.join();
  });
}

TEST(TsanClean, ManyWaitersOnAConditionVariableAndAnAtomic) { expect_clean(many_waiters, 500); }
TEST(TsanClean, MessagePassingWithReleaseAcquire) { expect_clean(message_passing_release_acquire); }
TEST(TsanClean, ConditionVariableHandOff) { expect_clean(condition_variable_hand_off); }
TEST(TsanClean, SemaphoreAndLatchHandOff) { expect_clean(semaphore_and_latch_hand_off); }
TEST(TsanClean, BarrierPhasesWithACompletionFunction) { expect_clean(barrier_phases_with_completion); }
TEST(TsanClean, ReadersAndAWriterUnderASharedMutex) { expect_clean(readers_and_writer); }
TEST(TsanClean, SpawnAndJoinHandOff) { expect_clean(spawn_and_join_hand_off); }
TEST(TsanClean, MemoryFreedByAnotherThread) { expect_clean(memory_freed_by_another_thread); }

// --- Races TSan finds because an edge is missing. ---

TEST(TsanRace, PublicationThroughARelaxedFlag) {
  expect_race([] {
    int payload = 0;
    weft::atomic<bool> ready{false};
    weft::thread producer([&] {
      payload = 42;
      ready.store(true, std::memory_order_relaxed);  // publishes nothing
    });
    weft::thread consumer([&] {
      if (ready.load(std::memory_order_acquire)) WEFT_ASSERT(payload == 42);
    });
    producer.join();
    consumer.join();
  });
}

TEST(TsanRace, ARelaxedStoreEndsTheReleaseSequence) {
  expect_race([] {
    int payload = 0;
    weft::atomic<int> flag{0};
    weft::thread producer([&] {
      payload = 1;
      flag.store(1, std::memory_order_release);
      flag.store(2, std::memory_order_relaxed);  // a new release sequence, with no release in it
    });
    weft::thread consumer([&] {
      if (flag.load(std::memory_order_acquire) == 2) WEFT_ASSERT(payload == 1);
    });
    producer.join();
    consumer.join();
  });
}

TEST(TsanRace, TheSameBarrierPhaseOrdersNothing) {
  expect_race([] {
    int shared = 0;
    weft::barrier sync(2);
    weft::thread a([&] {
      shared = 1;
      sync.arrive_and_wait();
    });
    weft::thread b([&] {
      shared = 2;  // before b's arrival: unordered with a's write
      sync.arrive_and_wait();
    });
    a.join();
    b.join();
  });
}

TEST(TsanRace, WeftVarRacesAreStillWeftsOwnReports) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::var<int> x{0};
    weft::thread a([&] { x.set(x.get() + 1); });
    weft::thread b([&] { x.set(x.get() + 1); });
    a.join();
    b.join();
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::DataRace);
  EXPECT_NE(f.message.find("data race on var#1"), std::string::npos) << f.message;
}

// --- Across processes. ---

TEST(TsanProcess, ReplayInANewProcessGivesTheIdenticalReport) {
  const std::string explored = run(std::string(WEFT_TSAN_DRIVER) + " explore 2>/dev/null");
  const auto at = explored.find("TOKEN ");
  ASSERT_NE(at, std::string::npos) << explored;
  const std::string token = explored.substr(at + 6, explored.find('\n', at) - at - 6);
  const std::string replayed = run(std::string(WEFT_TSAN_DRIVER) + " replay " + token + " 2>/dev/null");
  EXPECT_NE(explored.find("DataRace"), std::string::npos) << explored;
  EXPECT_EQ(replayed, explored);
}

TEST(TsanProcess, ReportsWeftClaimedDoNotFailTheProcessOthersDo) {
  int status = -1;
  run(std::string(WEFT_TSAN_DRIVER) + " explore >/dev/null 2>&1", &status);
  EXPECT_EQ(status, 0) << "a race weft reported as a failure left TSan's exit code";
  run(std::string(WEFT_TSAN_DRIVER) + " outside >/dev/null 2>&1", &status);
  EXPECT_EQ(status, 66) << "a race outside any weft execution must still fail the process";
}

}  // namespace
