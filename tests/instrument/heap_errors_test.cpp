// Heap errors in code built with weft_instrument(): a use after free, ordered
// or not, is a UseAfterFree naming the free and the use; a block freed twice
// is a DoubleFree naming both frees. Each replays to the identical report.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <string>

namespace {

std::string report(const weft::Report& r) { return r.ok() ? std::string("no failure") : r.failure->to_string(); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The compilers see through a pointer they can follow and warn of the use
// after free at compile time; these bodies mean it, so the pointer goes
// through a volatile variable and the frees through a function they do not
// inline.
int* volatile stash = nullptr;
[[gnu::noinline]] void drop(int* p) { delete p; }
[[gnu::noinline]] int peek(const int* p) { return *static_cast<const volatile int*>(p); }

void ordered_use_after_free() {
  stash = new int(1);
  weft::thread owner([] { drop(stash); });
  owner.join();
  WEFT_ASSERT(peek(stash) == 1);  // the join orders it after the free: no race, a use after free
}

void unordered_use_after_free() {
  stash = new int(1);
  weft::thread owner([] { drop(stash); });
  weft::thread reader([] { (void)peek(stash); });
  owner.join();
  reader.join();
}

void double_free() {
  stash = new int(1);
  weft::thread owner([] { drop(stash); });
  owner.join();
  drop(stash);
}

// In a build of weft with a sanitizer, its runtime owns free: weft sees no
// free of instrumented code there (docs/instrumentation.md).
#ifdef WEFT_SANITIZED_BUILD
#define SKIP_WITHOUT_FREE_HOOK() GTEST_SKIP() << "the sanitizer's runtime owns free in this build"
#else
#define SKIP_WITHOUT_FREE_HOOK() (void)0
#endif

void expect_same_on_replay(const weft::Report& found, void (*body)()) {
  const weft::Report replayed = weft::replay(found.failure->token, body);
  ASSERT_FALSE(replayed.ok()) << "the replay did not fail";
  EXPECT_EQ(replayed.failure->to_string(), found.failure->to_string());
}

TEST(HeapErrors, AUseAfterFreeOrderedByAJoinIsAUseAfterFree) {
  SKIP_WITHOUT_FREE_HOOK();
  const weft::Report r = weft::explore(ordered_use_after_free, weft::Options{}.iterations(200));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::UseAfterFree) << report(r);
  EXPECT_TRUE(has(r.failure->message, "T0 reads at heap_errors_test.cpp:22")) << report(r);
  EXPECT_TRUE(has(r.failure->message, "memory that T1 freed at heap_errors_test.cpp:21")) << report(r);
  expect_same_on_replay(r, ordered_use_after_free);
}

TEST(HeapErrors, AnAccessNotOrderedWithTheFreeIsAUseAfterFreeInEitherOrder) {
  SKIP_WITHOUT_FREE_HOOK();
  const weft::Report r = weft::explore(unordered_use_after_free, weft::Options{}.iterations(200));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::UseAfterFree) << report(r);
  expect_same_on_replay(r, unordered_use_after_free);
  // Each order, on its own seed: the read after the free, and the free after the read.
  bool after = false, before = false;
  for (std::uint64_t seed = 1; seed <= 40 && !(after && before); ++seed) {
    const weft::Report s = weft::explore(unordered_use_after_free, weft::Options{}.iterations(1).seed(seed));
    if (s.ok()) continue;
    EXPECT_EQ(s.failure->kind, weft::FailureKind::UseAfterFree) << report(s);
    after = after || has(s.failure->message, " reads at ");
    before = before || has(s.failure->message, "in another order");
  }
  EXPECT_TRUE(after && before) << "both orders of the read and the free";
}

TEST(HeapErrors, ABlockFreedTwiceIsADoubleFree) {
  SKIP_WITHOUT_FREE_HOOK();
  const weft::Report r = weft::explore(double_free, weft::Options{}.iterations(200));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::DoubleFree) << report(r);
  EXPECT_TRUE(has(r.failure->message, "a block that T1 freed at heap_errors_test.cpp:21")) << report(r);
  expect_same_on_replay(r, double_free);
}

}  // namespace
