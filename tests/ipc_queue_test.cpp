// weft::queue: FIFO delivery, bounded blocking, closing, try and timed
// forms, many consumers, the deadlock report and the happens-before edges.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include "ipc_support.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using weft::channel_status;

using ipc_test::contains;
using ipc_test::failure_of;

TEST(Queue, BoundedProducerConsumerDeliversEverythingInOrder) {
  const weft::Report r = weft::explore([] {
    weft::queue<int> q(2);
    weft::process producer("producer", [&q] {
      for (int i = 0; i < 6; ++i) WEFT_ASSERT(q.put(i) == channel_status::ok);
      q.close();
    });
    int expected = 0;
    while (auto v = q.get()) WEFT_ASSERT(*v == expected++);
    WEFT_ASSERT(expected == 6);
    producer.join();
  }, weft::Options{}.iterations(1000));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Queue, PutBlocksWhenFull) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::queue<int> q(1);
    q.put(1);
    q.put(2);  // nobody will ever get
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Deadlock);
  EXPECT_TRUE(contains(f.message, "T0 waits in queue.put on queue#1 (full, capacity 1)")) << f.message;
}

TEST(Queue, GetBlocksWhenEmptyAndCloseWakesEveryWaiter) {
  const weft::Report r = weft::explore([] {
    weft::queue<std::string> q;
    auto consumer = [&q] { WEFT_ASSERT(q.get().status() == channel_status::closed); };
    weft::thread a(consumer);
    weft::thread b(consumer);
    q.close();
    WEFT_ASSERT(q.put("late") == channel_status::closed);
    a.join();
    b.join();
  }, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Queue, ClosedQueueIsDrainedBeforeItSaysClosed) {
  const weft::Report r = weft::explore([] {
    weft::queue<int> q;
    q.put(1);
    q.put(2);
    q.close();
    q.close();  // twice does nothing
    WEFT_ASSERT(q.size() == 2);
    WEFT_ASSERT(*q.get() == 1);
    WEFT_ASSERT(*q.try_get() == 2);
    WEFT_ASSERT(q.try_get().status() == channel_status::closed);
  }, weft::Options{}.iterations(5));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Queue, TryAndTimedForms) {
  const weft::Report r = weft::explore([] {
    weft::queue<int> q(1);
    WEFT_ASSERT(q.try_get().status() == channel_status::empty);
    WEFT_ASSERT(q.try_put(1) == channel_status::ok);
    WEFT_ASSERT(q.try_put(2) == channel_status::full);
    const auto start = weft::chrono::steady_clock::now();
    WEFT_ASSERT(q.put_for(3, 5ms) == channel_status::timeout);
    WEFT_ASSERT(weft::chrono::steady_clock::now() - start == 5ms);
    WEFT_ASSERT(*q.get_for(1s) == 1);
    WEFT_ASSERT(q.get_until(weft::chrono::steady_clock::now() + 2ms).status() == channel_status::timeout);
    WEFT_ASSERT(q.put_until(4, weft::chrono::steady_clock::now() + 1ms) == channel_status::ok);
  }, weft::Options{}.iterations(5));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Queue, EveryItemGoesToExactlyOneOfManyConsumers) {
  std::set<std::vector<int>> splits;
  const weft::Report r = weft::explore([&] {
    weft::queue<int> q;
    std::vector<int> got[2];
    auto consumer = [&q, &got](int me) {
      while (auto v = q.get()) got[me].push_back(*v);
    };
    weft::thread a(consumer, 0);
    weft::thread b(consumer, 1);
    for (int i = 0; i < 4; ++i) q.put(i);
    q.close();
    a.join();
    b.join();
    std::vector<int> all = got[0];
    all.insert(all.end(), got[1].begin(), got[1].end());
    std::sort(all.begin(), all.end());
    WEFT_ASSERT(all == (std::vector<int>{0, 1, 2, 3}));
    splits.insert(got[0]);
  }, weft::Options{}.iterations(500));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_GT(splits.size(), 4u) << "which consumer gets which item should be explored";
}

TEST(Queue, TraceReadsPutAndGet) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::queue<int> q;
    q.put(5);
    (void)q.get();
    WEFT_ASSERT(false, "stop");
  }));
  ASSERT_GE(f.trace.size(), 2u);
  EXPECT_EQ(f.trace[0].operation, "queue.put");
  EXPECT_EQ(f.trace[0].detail, "msg 1");
  EXPECT_EQ(f.trace[1].operation, "queue.get");
  EXPECT_EQ(f.trace[1].object, "queue#1");
}

TEST(Queue, PassingAPointerIsNotARaceButTouchingItAfterwardsIs) {
  const weft::Report clean = weft::explore([] {
    weft::var<int> payload{0};
    weft::queue<weft::var<int>*> q(1);
    weft::thread producer([&] {
      payload.set(1);
      q.put(&payload);
    });
    weft::var<int>* p = *q.get();
    p->set(p->get() + 1);
    producer.join();
    WEFT_ASSERT(payload.get() == 2);
  }, weft::Options{}.iterations(500));
  EXPECT_TRUE(clean.ok()) << clean;

  const weft::Failure f = failure_of(weft::explore([] {
    weft::var<int> payload{0};
    weft::queue<weft::var<int>*> q(1);
    weft::thread producer([&] {
      q.put(&payload);
      payload.set(1);  // after sending it away
    });
    weft::var<int>* p = *q.get();
    (void)p->get();
    producer.join();
  }, weft::Options{}.iterations(500)));
  EXPECT_EQ(f.kind, weft::FailureKind::DataRace);
  EXPECT_TRUE(contains(f.message, "data race on var#1")) << f.message;
}

TEST(Queue, EachMessageOrdersOnlyItsOwnSender) {
  // The consumer gets message 1 from A only; B's write is ordered by
  // message 2, which the consumer never takes before reading.
  const weft::Failure f = failure_of(weft::explore([] {
    weft::var<int> b_data{0};
    weft::queue<int> q;
    weft::thread a([&] { q.put(1); });
    weft::thread b([&] {
      b_data.set(1);
      q.put(2);
    });
    while (true) {
      auto v = q.get();
      if (*v == 1) break;
    }
    (void)b_data.get();
    a.join();
    b.join();
  }, weft::Options{}.iterations(2000)));
  EXPECT_EQ(f.kind, weft::FailureKind::DataRace) << f;
}

TEST(Queue, DestroyedWhileAThreadWaitsIsMisuse) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::queue<int> ready;
    auto* q = new weft::queue<int>;
    weft::thread t([&ready, q] {
      ready.put(1);
      (void)q->get();  // reached before another thread runs: nothing between the two
    });
    t.detach();
    (void)ready.get();
    delete q;
  }, weft::Options{}.iterations(200)));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse) << f;
  EXPECT_TRUE(contains(f.message, "queue#2 was destroyed while 1 thread(s) waited on it")) << f.message;
}

TEST(Queue, MessageTypeMayBeMoveOnly) {
  const weft::Report r = weft::explore([] {
    weft::queue<std::unique_ptr<int>> q;
    q.put(std::make_unique<int>(3));
    auto v = q.get();
    WEFT_ASSERT(v && **v == 3);
  }, weft::Options{}.iterations(3));
  EXPECT_TRUE(r.ok()) << r;
}

}  // namespace
