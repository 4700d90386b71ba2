// Exhaustive search's exact counts: the executions dpor explores for bodies
// whose number of Mazurkiewicz traces is known (docs/exhaustive-search.md
// has the table, with Relacy's full search beside it).

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <functional>
#include <memory>
#include <vector>

namespace {

weft::Options dpor() { return weft::Options{}.strategy(weft::Strategy::dpor()).iterations(100000); }

std::uint64_t classes(const std::function<void()>& body, weft::Options options = dpor()) {
  const weft::Report r = weft::explore(body, options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.failure->to_string());
  EXPECT_TRUE(r.exhausted()) << r;
  EXPECT_EQ(r.redundant, 0u) << r;
  return r.executions;
}

// spawn_all runs `n` threads of `f(i)` and joins them.
void spawn_all(int n, const std::function<void(int)>& f) {
  std::vector<weft::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(f, i);
  for (auto& t : threads) t.join();
}

}  // namespace

TEST(SearchCounts, TwoThreadsWritingDisjointAtomicsExploreOne) {
  EXPECT_EQ(classes([] {
              weft::atomic<int> x{0}, y{0};
              spawn_all(2, [&](int i) { (i == 0 ? x : y).store(1); });
            }),
            1u);
}

TEST(SearchCounts, TwoThreadsWritingDisjointVarsExploreOne) {
  EXPECT_EQ(classes([] {
              weft::var<int> x{0}, y{0};
              spawn_all(2, [&](int i) { (i == 0 ? x : y).set(1); });
            }),
            1u);
}

TEST(SearchCounts, NThreadsEachFetchAddingOnceExploreNFactorial) {
  const std::uint64_t factorial[] = {1, 1, 2, 6, 24, 120};
  for (int n = 1; n <= 5; ++n) {
    EXPECT_EQ(classes([n] {
                weft::atomic<int> counter{0};
                spawn_all(n, [&](int) { counter.fetch_add(1); });
                WEFT_ASSERT(counter.load() == n);
              }),
              factorial[n])
        << n << " threads";
  }
}

TEST(SearchCounts, TwoBlindStoresToOneAtomicExploreTwo) {
  EXPECT_EQ(classes([] {
              weft::atomic<int> x{0};
              spawn_all(2, [&](int i) { x.store(i + 1); });
            }),
            2u);
}

TEST(SearchCounts, TwoLoadsOfOneAtomicExploreOne) {
  EXPECT_EQ(classes([] {
              weft::atomic<int> x{0};
              spawn_all(2, [&](int) { (void)x.load(); });
            }),
            1u);
}

TEST(SearchCounts, ThreeThreadsLockingOneMutexOnceExploreSix) {
  EXPECT_EQ(classes([] {
              weft::mutex m;
              weft::var<int> v{0};
              spawn_all(3, [&](int) {
                m.lock();
                v.set(v.get() + 1);
                m.unlock();
              });
              WEFT_ASSERT(v.get() == 3);
            }),
            6u);
}

// ring(n): thread i stores to its own atomic, then loads the next thread's.
// Each of the n store/load pairs can go either way, except all loads first
// (a cycle): 2^n - 1 classes. A thread whose first transition (its start)
// touches nothing must not hide the order of what it does next.
void ring(int n) {
  // On the stack: a heap object's address can differ between executions,
  // and dpor would not know it again (docs/exhaustive-search.md).
  weft::atomic<int> a[4] = {0, 0, 0, 0};
  spawn_all(n, [&](int i) {
    a[i].store(1);
    (void)a[(i + 1) % n].load();
  });
}

TEST(SearchCounts, StoreLoadRingsExploreTwoToTheNMinusOne) {
  EXPECT_EQ(classes([] { ring(3); }), 7u);
  EXPECT_EQ(classes([] { ring(4); }), 15u);
}

// heap_ring(n) is ring(n) over atomics on the heap, allocated afresh in
// every execution: their addresses differ between executions (the
// allocator's state does), so dpor must know them by who made them.
void heap_ring(int n) {
  std::vector<std::unique_ptr<weft::atomic<int>>> a;
  // Blocks of other sizes between them shift where the next execution's land.
  std::vector<std::unique_ptr<char[]>> spacers;
  static int shift = 0;
  for (int i = 0; i < n; ++i) {
    spacers.push_back(std::make_unique<char[]>(static_cast<std::size_t>(16 + (shift++ % 7) * 8)));
    a.push_back(std::make_unique<weft::atomic<int>>(0));
  }
  spawn_all(n, [&](int i) {
    a[static_cast<std::size_t>(i)]->store(1);
    (void)a[static_cast<std::size_t>((i + 1) % n)]->load();
  });
}

TEST(SearchCounts, HeapObjectsAreKnownAgainAcrossExecutions) {
  EXPECT_EQ(classes([] { heap_ring(3); }), 7u);
  EXPECT_EQ(classes([] { heap_ring(4); }), 15u);
}
