// lock_order_test: the lock-order graph reports locks taken in a cycle even
// when no explored schedule deadlocks, names the locks, threads and sites,
// confirms the cycle as a Deadlock when a steered schedule finds one, and
// stays quiet for gate locks, consistent orders, recursive re-locks,
// try_lock, reader-reader cycles and when switched off.

#include <gtest/gtest.h>

#include <mutex>
#include <shared_mutex>
#include <string>

#include "weft/weft.h"

namespace {

std::string at(unsigned line) { return "lock_order_test.cpp:" + std::to_string(line); }

weft::Options options() { return weft::Options{}.iterations(100); }

// ------------------------------------------------------------ bodies

// T1 takes a then b and ends before T2 takes b then a: never a deadlock.
constexpr unsigned kJoinLine = __LINE__ + 5;
void opposite_orders_separated_by_join() {
  weft::mutex a;
  weft::mutex b;
  weft::thread first([&] {
    a.lock();  // kJoinLine
    b.lock();  // kJoinLine + 1
    b.unlock();
    a.unlock();
  });
  first.join();
  weft::thread second([&] {
    b.lock();  // kJoinLine + 7
    a.lock();  // kJoinLine + 8
    a.unlock();
    b.unlock();
  });
  second.join();
}

// Both threads run at once, but a semaphore hands over from one to the other.
void opposite_orders_separated_by_semaphore() {
  weft::mutex a;
  weft::mutex b;
  weft::binary_semaphore done(0);
  weft::thread first([&] {
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
    done.release();
  });
  weft::thread second([&] {
    done.acquire();
    b.lock();
    a.lock();
    a.unlock();
    b.unlock();
  });
  first.join();
  second.join();
}

// Opposite orders, but always inside the gate lock g.
void opposite_orders_under_a_gate() {
  weft::mutex g;
  weft::mutex a;
  weft::mutex b;
  weft::thread first([&] {
    std::scoped_lock gate(g);
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  weft::thread second([&] {
    std::scoped_lock gate(g);
    std::lock_guard lb(b);
    std::lock_guard la(a);
  });
  first.join();
  second.join();
}

void consistent_order() {
  weft::mutex a;
  weft::mutex b;
  weft::mutex c;
  auto work = [&] {
    std::lock_guard la(a);
    std::lock_guard lb(b);
    std::lock_guard lc(c);
  };
  weft::thread first(work);
  weft::thread second(work);
  weft::thread third([&] {
    std::lock_guard lb(b);
    std::lock_guard lc(c);
  });
  first.join();
  second.join();
  third.join();
}

// Three threads take three locks in a cycle, each after some work of its
// own: the windows in which all three hold their first lock are narrow.
void three_lock_cycle() {
  weft::mutex m[3];
  weft::atomic<int> work{0};
  auto take = [&](int first, int second, int padding) {
    for (int i = 0; i < padding; ++i) work.fetch_add(1);
    m[first].lock();
    m[second].lock();
    m[second].unlock();
    m[first].unlock();
  };
  weft::thread t1(take, 0, 1, 0);
  weft::thread t2(take, 1, 2, 8);
  weft::thread t3(take, 2, 0, 16);
  t1.join();
  t2.join();
  t3.join();
}

// Two threads re-lock a recursive mutex, each then taking m: one order.
void recursive_relock() {
  weft::recursive_mutex r;
  weft::mutex m;
  auto work = [&] {
    r.lock();
    r.lock();
    m.lock();
    m.unlock();
    r.unlock();
    r.unlock();
  };
  weft::thread first(work);
  weft::thread second(work);
  first.join();
  second.join();
}

// A recursive mutex locked twice and unlocked once is still held: T1 takes
// m while holding r, T2 (later) takes r while holding m.
void recursive_still_held_after_one_unlock() {
  weft::recursive_mutex r;
  weft::mutex m;
  weft::thread first([&] {
    r.lock();
    r.lock();
    r.unlock();
    m.lock();
    m.unlock();
    r.unlock();
  });
  first.join();
  weft::thread second([&] {
    m.lock();
    r.lock();
    r.unlock();
    m.unlock();
  });
  second.join();
}

// The second lock of each order is only tried: try_lock cannot block.
void opposite_orders_second_tried() {
  weft::mutex a;
  weft::mutex b;
  weft::thread first([&] {
    std::lock_guard la(a);
    if (b.try_lock()) b.unlock();
  });
  weft::thread second([&] {
    std::lock_guard lb(b);
    if (a.try_lock()) a.unlock();
  });
  first.join();
  second.join();
}

// A lock taken by try_lock is held: blocking on another while holding it
// is an edge like any other.
void opposite_orders_first_tried() {
  weft::mutex a;
  weft::mutex b;
  weft::thread first([&] {
    if (!a.try_lock()) return;
    b.lock();
    b.unlock();
    a.unlock();
  });
  first.join();
  weft::thread second([&] {
    std::lock_guard lb(b);
    std::lock_guard la(a);
  });
  second.join();
}

// Readers of s in opposite orders with m: a reader never waits for a reader.
void readers_in_opposite_orders() {
  weft::shared_mutex s;
  weft::mutex m;
  weft::thread first([&] {
    std::shared_lock read(s);
    std::lock_guard lm(m);
  });
  weft::thread second([&] {
    std::lock_guard lm(m);
    std::shared_lock read(s);
  });
  first.join();
  second.join();
}

// A reader and a writer of s in opposite orders with m (one after the other).
void reader_and_writer_in_opposite_orders() {
  weft::shared_mutex s;
  weft::mutex m;
  weft::thread first([&] {
    std::shared_lock read(s);
    std::lock_guard lm(m);
  });
  first.join();
  weft::thread second([&] {
    std::lock_guard lm(m);
    std::lock_guard write(s);
  });
  second.join();
}

// Opposite orders inside a gate both threads hold only shared: readers hold
// it together, so it separates nothing (one after the other).
void opposite_orders_under_a_shared_gate() {
  weft::shared_mutex g;
  weft::mutex a;
  weft::mutex b;
  weft::thread first([&] {
    std::shared_lock gate(g);
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  first.join();
  weft::thread second([&] {
    std::shared_lock gate(g);
    std::lock_guard lb(b);
    std::lock_guard la(a);
  });
  second.join();
}

// ------------------------------------------------------------ tests

TEST(LockOrder, OppositeOrdersSeparatedByJoinAreReported) {
  const weft::Report report = weft::explore(opposite_orders_separated_by_join, options());
  ASSERT_FALSE(report.ok());
  const weft::Failure& f = *report.failure;
  EXPECT_EQ(f.kind, weft::FailureKind::LockOrderInversion) << f.to_string();
  EXPECT_NE(f.message.find("mutex#1 -> mutex#2 -> mutex#1 taken by T1 and T2"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("T1: holds mutex#1 (" + at(kJoinLine) + "), takes mutex#2 (" + at(kJoinLine + 1) + ")"),
            std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("T2: holds mutex#2 (" + at(kJoinLine + 7) + "), takes mutex#1 (" + at(kJoinLine + 8) + ")"),
            std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("not confirmed in 100 further executions"), std::string::npos) << f.message;
  EXPECT_TRUE(f.token.empty());
  EXPECT_TRUE(f.trace.empty());
  EXPECT_EQ(f.execution, 1u);  // the first execution showed both edges
  EXPECT_EQ(report.executions, 200u);  // the exploration and the confirmation
  EXPECT_EQ(f.to_string().rfind("weft: LockOrderInversion across executions, complete in execution 1\n"
                                "  lock-order inversion: mutex#1 -> mutex#2",
                                0),
            0u)
      << f.to_string();
}

TEST(LockOrder, ConfirmationBudgetIsAtMost2000) {
  const weft::Report report =
      weft::explore(opposite_orders_separated_by_join, weft::Options{}.iterations(3000));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->kind, weft::FailureKind::LockOrderInversion);
  EXPECT_EQ(report.executions, 5000u);
  EXPECT_NE(report.failure->message.find("not confirmed in 2000 further executions"), std::string::npos);
}

TEST(LockOrder, OppositeOrdersSeparatedBySemaphoreAreReported) {
  for (const weft::Strategy s : {weft::Strategy::pct(3), weft::Strategy::random()}) {
    const weft::Report report = weft::explore(opposite_orders_separated_by_semaphore, options().strategy(s));
    ASSERT_FALSE(report.ok()) << s.to_string();
    EXPECT_EQ(report.failure->kind, weft::FailureKind::LockOrderInversion) << report.failure->to_string();
    EXPECT_NE(report.failure->message.find("mutex#1 -> mutex#2 -> mutex#1"), std::string::npos);
  }
}

TEST(LockOrder, GateLockSuppressesTheCycle) {
  const weft::Report report = weft::explore(opposite_orders_under_a_gate, options());
  EXPECT_TRUE(report.ok()) << report.failure->to_string();
  EXPECT_EQ(report.executions, 100u);
}

TEST(LockOrder, SharedGateDoesNotSuppressTheCycle) {
  const weft::Report report = weft::explore(opposite_orders_under_a_shared_gate, options());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->kind, weft::FailureKind::LockOrderInversion) << report.failure->to_string();
  EXPECT_NE(report.failure->message.find("mutex#1 -> mutex#2 -> mutex#1"), std::string::npos)
      << report.failure->message;
}

TEST(LockOrder, ConsistentOrderIsClean) {
  const weft::Report report = weft::explore(consistent_order, options());
  EXPECT_TRUE(report.ok()) << report.failure->to_string();
  EXPECT_EQ(report.executions, 100u);
}

TEST(LockOrder, ThreeLockCycleIsConfirmedAsDeadlock) {
  // Without the graph, the exploration finds no deadlock ...
  const weft::Report plain = weft::explore(three_lock_cycle, options().lock_order(false));
  ASSERT_TRUE(plain.ok()) << plain.failure->to_string();
  // ... with it, the steered confirmation does, and says where it came from.
  const weft::Report report = weft::explore(three_lock_cycle, options());
  ASSERT_FALSE(report.ok());
  const weft::Failure& f = *report.failure;
  EXPECT_EQ(f.kind, weft::FailureKind::Deadlock) << f.to_string();
  EXPECT_EQ(f.message.rfind("confirmed lock-order inversion: deadlock", 0), 0u) << f.message;
  EXPECT_NE(f.message.find("T1, T2 and T3"), std::string::npos) << f.message;
  EXPECT_EQ(report.executions, 101u);  // the first steered execution deadlocked
  EXPECT_EQ(f.execution, report.executions);
  ASSERT_FALSE(f.token.empty());

  const weft::Report replayed = weft::replay(f.token, three_lock_cycle);
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.failure->kind, weft::FailureKind::Deadlock) << replayed.failure->to_string();
  EXPECT_EQ(replayed.failure->trace, f.trace);
}

TEST(LockOrder, SwitchedOffReportsNothing) {
  const weft::Report report = weft::explore(opposite_orders_separated_by_join, options().lock_order(false));
  EXPECT_TRUE(report.ok()) << report.failure->to_string();
  EXPECT_EQ(report.executions, 100u);
}

TEST(LockOrder, RecursiveRelockIsNotAnEdge) {
  const weft::Report report = weft::explore(recursive_relock, options());
  EXPECT_TRUE(report.ok()) << report.failure->to_string();
}

TEST(LockOrder, RecursiveMutexIsHeldUntilItsLastUnlock) {
  const weft::Report report = weft::explore(recursive_still_held_after_one_unlock, options());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->kind, weft::FailureKind::LockOrderInversion) << report.failure->to_string();
}

TEST(LockOrder, TryLockedSecondLockIsNoEdge) {
  const weft::Report report = weft::explore(opposite_orders_second_tried, options());
  EXPECT_TRUE(report.ok()) << report.failure->to_string();
}

TEST(LockOrder, TryLockedFirstLockIsHeld) {
  const weft::Report report = weft::explore(opposite_orders_first_tried, options());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->kind, weft::FailureKind::LockOrderInversion) << report.failure->to_string();
}

TEST(LockOrder, ReadersInOppositeOrdersAreClean) {
  const weft::Report report = weft::explore(readers_in_opposite_orders, options());
  EXPECT_TRUE(report.ok()) << report.failure->to_string();
}

TEST(LockOrder, ReaderAndWriterInOppositeOrdersAreReported) {
  const weft::Report report = weft::explore(reader_and_writer_in_opposite_orders, options());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->kind, weft::FailureKind::LockOrderInversion) << report.failure->to_string();
  EXPECT_NE(report.failure->message.find("holds shared_mutex#1 shared"), std::string::npos)
      << report.failure->message;
}

TEST(LockOrder, ExplorationIsDeterministic) {
  const weft::Report one = weft::explore(opposite_orders_separated_by_semaphore, options());
  const weft::Report two = weft::explore(opposite_orders_separated_by_semaphore, options());
  ASSERT_FALSE(one.ok());
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(*one.failure, *two.failure);
  EXPECT_EQ(one.executions, two.executions);
}

}  // namespace
