// weft::pipe and weft::byte_pipe: delivery, order, blocking, closing,
// timeouts, misuse, the deadlock report and the happens-before edges.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include "ipc_support.h"

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;

using ipc_test::contains;
using ipc_test::failure_of;

TEST(Pipe, EchoBetweenProcessesNeverFails) {
  const weft::Report r = weft::explore([] {
    auto [parent, child] = weft::pipe();
    weft::process echo("child", [end = child]() mutable {
      while (auto m = end.recv()) end.send("echo " + *m);
    });
    for (int i = 0; i < 3; ++i) {
      WEFT_ASSERT(parent.send("ping " + std::to_string(i)) == weft::channel_status::ok);
      auto reply = parent.recv();
      WEFT_ASSERT(reply && *reply == "echo ping " + std::to_string(i));
    }
    parent.close();
    WEFT_ASSERT(echo.wait().ok());
  }, weft::Options{}.iterations(500));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Pipe, BothSidesReceivingFirstIsADeadlockNamingProcessesAndEnds) {
  const weft::Failure f = failure_of(weft::explore([] {
    auto [a, b] = weft::pipe();
    weft::process child("child", [b = b]() mutable {
      (void)b.recv();
      b.send("reply");
    });
    (void)a.recv();
    a.send("request");
    child.join();
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Deadlock);
  EXPECT_TRUE(contains(f.message, "T0 (process main) waits in pipe.recv on pipe#1 end A")) << f.message;
  EXPECT_TRUE(contains(f.message, "T1 (process child) waits in pipe.recv on pipe#1 end B")) << f.message;
  EXPECT_TRUE(contains(f.message, "waits for a message")) << f.message;
  ASSERT_EQ(f.threads.size(), 2u);
  EXPECT_EQ(f.threads[1].process, "child");
  EXPECT_EQ(f.threads[1].waiting_for, "pipe.recv on pipe#1 end B");
}

TEST(Pipe, ReceiveOrderAmongSendersIsExplored) {
  std::set<std::string> orders;
  const weft::Report r = weft::explore([&] {
    auto [a, b] = weft::pipe();
    weft::thread x([a = a]() mutable { a.send("x"); });
    weft::thread y([a = a]() mutable { a.send("y"); });
    std::string seen = *b.recv() + *b.recv();
    orders.insert(seen);
    x.join();
    y.join();
  }, weft::Options{}.iterations(200));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(orders, (std::set<std::string>{"xy", "yx"}));
}

TEST(Pipe, MessagesFromOneSenderArriveInOrder) {
  const weft::Report r = weft::explore([] {
    auto [a, b] = weft::pipe<int>();
    weft::process sender([a = a]() mutable {
      for (int i = 0; i < 5; ++i) a.send(i);
      a.close();
    });
    int expected = 0;
    while (auto m = b.recv()) WEFT_ASSERT(*m == expected++);
    WEFT_ASSERT(expected == 5);
    sender.join();
  }, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Pipe, CloseDrainsThenReportsClosedAndSendsFail) {
  const weft::Report r = weft::explore([] {
    auto [a, b] = weft::pipe<int>();
    a.send(1);
    a.close();
    auto first = b.recv();
    WEFT_ASSERT(first && *first == 1);
    WEFT_ASSERT(b.recv().status() == weft::channel_status::closed);
    WEFT_ASSERT(b.try_recv().status() == weft::channel_status::closed);
    WEFT_ASSERT(b.poll());
    WEFT_ASSERT(b.send(2) == weft::channel_status::closed);
    a.close();  // closing twice does nothing
  }, weft::Options{}.iterations(10));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Pipe, CloseWakesABlockedReceiver) {
  const weft::Report r = weft::explore([] {
    auto [a, b] = weft::pipe();
    weft::thread reader([b = b]() mutable { WEFT_ASSERT(b.recv().status() == weft::channel_status::closed); });
    a.close();
    reader.join();
  }, weft::Options{}.iterations(100));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Pipe, TryRecvAndPollDoNotBlock) {
  const weft::Report r = weft::explore([] {
    auto [a, b] = weft::pipe<int>();
    WEFT_ASSERT(!b.poll());
    WEFT_ASSERT(b.try_recv().status() == weft::channel_status::empty);
    a.send(7);
    WEFT_ASSERT(b.poll());
    auto m = b.try_recv();
    WEFT_ASSERT(m && *m == 7);
  }, weft::Options{}.iterations(5));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Pipe, RecvForTimesOutOnVirtualTimeOrGetsTheMessage) {
  std::set<weft::channel_status> outcomes;
  const weft::Report r = weft::explore([&] {
    auto [a, b] = weft::pipe();
    weft::thread sender([a = a]() mutable {
      weft::this_thread::sleep_for(5ms);
      a.send("late");
    });
    const auto start = weft::chrono::steady_clock::now();
    auto m = b.recv_for(10ms);
    outcomes.insert(m.status());
    if (!m) WEFT_ASSERT(weft::chrono::steady_clock::now() - start == 10ms);
    sender.join();
  }, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(outcomes, (std::set<weft::channel_status>{weft::channel_status::ok, weft::channel_status::timeout}));
}

TEST(Pipe, UsingAnEndAfterClosingItIsMisuse) {
  const weft::Failure f = failure_of(weft::explore([] {
    auto [a, b] = weft::pipe();
    a.close();
    a.send("too late");
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "T0 sends on pipe#1 end A after it was closed")) << f.message;
}

TEST(Pipe, AnEndFromAnEarlierExecutionIsMisuse) {
  static weft::pipe_end<> kept;
  const weft::Failure f = failure_of(weft::explore([] { (void)kept.poll(); }, weft::Options{}.iterations(1)));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "belongs to no pipe")) << f.message;

  const weft::Failure g = failure_of(weft::explore([] {
    static bool first = true;
    if (first) {
      kept = weft::pipe().first;
      first = false;
      return;
    }
    kept.send("stale");
  }, weft::Options{}.iterations(2)));
  EXPECT_TRUE(contains(g.message, "made in an earlier execution")) << g.message;
}

TEST(Pipe, OutsideAnExecutionIsALogicError) { EXPECT_THROW(weft::pipe(), std::logic_error); }

TEST(Pipe, TraceNamesPipesEndsAndMessages) {
  const weft::Failure f = failure_of(weft::explore([] {
    auto [a, b] = weft::pipe<int>();
    a.send(1);
    (void)b.recv();
    WEFT_ASSERT(false, "stop here");
  }));
  ASSERT_GE(f.trace.size(), 2u);
  EXPECT_EQ(f.trace[0].operation, "pipe.send");
  EXPECT_EQ(f.trace[0].object, "pipe#1");
  EXPECT_EQ(f.trace[0].detail, "end A msg 1");
  EXPECT_EQ(f.trace[1].operation, "pipe.recv");
  EXPECT_EQ(f.trace[1].detail, "end B msg 1");
}

// Passing a pointer through a pipe orders what the sender did before the
// send with what the receiver does after the receive.
TEST(Pipe, PassingAPointerIsNotARaceButTouchingItAfterwardsIs) {
  const weft::Report clean = weft::explore([] {
    weft::var<int> payload{0};
    auto [a, b] = weft::pipe<weft::var<int>*>();
    weft::thread producer([&payload, a = a]() mutable {
      payload.set(42);
      a.send(&payload);
    });
    weft::var<int>* p = *b.recv();
    WEFT_ASSERT(p->get() == 42);
    producer.join();
  }, weft::Options{}.iterations(500));
  EXPECT_TRUE(clean.ok()) << clean;

  const weft::Failure f = failure_of(weft::explore([] {
    weft::var<int> payload{0};
    auto [a, b] = weft::pipe<weft::var<int>*>();
    weft::thread producer([&payload, a = a]() mutable {
      payload.set(42);
      a.send(&payload);
      payload.set(43);  // touched after it was sent away
    });
    weft::var<int>* p = *b.recv();
    (void)p->get();
    producer.join();
  }, weft::Options{}.iterations(500)));
  EXPECT_EQ(f.kind, weft::FailureKind::DataRace);
}

TEST(Pipe, CloseHappensBeforeObservingIt) {
  const weft::Report r = weft::explore([] {
    weft::var<int> done{0};
    auto [a, b] = weft::pipe();
    weft::thread closer([&done, a = a]() mutable {
      done.set(1);
      a.close();
    });
    WEFT_ASSERT(b.recv().status() == weft::channel_status::closed);
    WEFT_ASSERT(done.get() == 1);
    closer.join();
  }, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << r;
}

// A parser that takes one read for one message meets every split.
TEST(BytePipe, WritesMaySplitAndMergeAcrossReads) {
  std::set<std::vector<std::string>> splits;
  const weft::Report r = weft::explore([&] {
    auto [a, b] = weft::byte_pipe();
    weft::thread writer([a = a]() mutable {
      WEFT_ASSERT(a.write_all("abc") == weft::channel_status::ok);
      WEFT_ASSERT(a.write_all("de") == weft::channel_status::ok);
      a.close();
    });
    std::vector<std::string> reads;
    std::string all;
    while (auto chunk = b.read()) {
      reads.push_back(*chunk);
      all += *chunk;
    }
    WEFT_ASSERT(all == "abcde");
    splits.insert(reads);
    writer.join();
  }, weft::Options{}.iterations(2000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_TRUE(splits.count({"abcde"})) << "no read took both writes at once";
  EXPECT_TRUE(splits.count({"abc", "de"}));
  EXPECT_TRUE(splits.count({"a", "b", "c", "d", "e"}));
  EXPECT_GT(splits.size(), 6u);
}

void one_read_per_line() {
  auto [a, b] = weft::byte_pipe();
  weft::thread writer([a = a]() mutable { a.write_all("hello\n"); });
  auto line = b.read(64);
  WEFT_ASSERT(line && *line == "hello\n", "a short read split the line");
  writer.join();
}

TEST(BytePipe, AParserThatTakesOneReadForOneMessageFailsAndReplays) {
  const weft::Failure f = failure_of(weft::explore(one_read_per_line));
  EXPECT_EQ(f.kind, weft::FailureKind::AssertionFailed);
  const weft::Failure again = failure_of(weft::replay(f.token, one_read_per_line));
  EXPECT_EQ(again.trace, f.trace);
  EXPECT_EQ(again.message, f.message);
}

TEST(BytePipe, ReadRespectsItsLimitAndZeroIsMisuse) {
  const weft::Report r = weft::explore([] {
    auto [a, b] = weft::byte_pipe();
    a.write_all("abcdef");
    auto chunk = b.read(2);
    WEFT_ASSERT(chunk && chunk->size() >= 1 && chunk->size() <= 2);
  }, weft::Options{}.iterations(200));
  EXPECT_TRUE(r.ok()) << r;
  const weft::Failure f = failure_of(weft::explore([] {
    auto [a, b] = weft::byte_pipe();
    (void)b.read(0);
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
}

}  // namespace
