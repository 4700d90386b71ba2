// accesses_test: plain and atomic memory accesses of C code built with
// -fsanitize=thread are scheduling points and events (weft::program's
// instrumentation hooks): a lost update on a plain int is found and
// replayed, the race detector sees plain accesses, and C11 atomics give it
// their happens-before edges.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <mutex>
#include <string>

extern "C" {
void increment(int* counter);
void publish(int value, int release);
int consume(int acquire);
void reset(void);
}

namespace {

weft::Options quick() { return weft::Options{}.iterations(2000); }

void two_increments(bool locked) {
  int counter = 0;
  weft::mutex m;
  auto work = [&] {
    if (locked) m.lock();
    increment(&counter);
    if (locked) m.unlock();
  };
  weft::thread a(work);
  weft::thread b(work);
  a.join();
  b.join();
  WEFT_ASSERT(counter == 2, "an increment was lost");
}

TEST(Accesses, ALostUpdateOnAPlainIntIsFoundAndReplayed) {
  const auto body = [] { two_increments(false); };
  const weft::Report r = weft::explore(body, quick().race_detection(false));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
  bool read_shown = false;
  for (const weft::TraceStep& s : r.failure->trace)
    read_shown |= s.operation == "var.read" && s.detail == "-> 0" && s.file == "accesses_functions.c" && s.line == 5;
  EXPECT_TRUE(read_shown) << r.failure->to_string();
  const weft::Report again = weft::replay(r.failure->token, body);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(*again.failure, *r.failure);
}

TEST(Accesses, TheRaceDetectorSeesPlainAccesses) {
  const weft::Report r = weft::explore([] { two_increments(false); }, quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::DataRace) << r.failure->to_string();
}

TEST(Accesses, ALockOrdersThem) {
  const weft::Report r = weft::explore([] { two_increments(true); }, quick());
  EXPECT_TRUE(r.ok()) << r.failure->to_string();
}

void message_passing(bool ordered) {
  reset();
  weft::thread producer([&] { publish(42, ordered); });
  const int seen = consume(ordered);
  producer.join();
  WEFT_ASSERT(seen == 42);
}

TEST(Accesses, ReleaseAndAcquireOrderThePayload) {
  const weft::Report r = weft::explore([] { message_passing(true); }, quick());
  EXPECT_TRUE(r.ok()) << r.failure->to_string();
}

TEST(Accesses, RelaxedAtomicsDoNot) {
  const weft::Report r = weft::explore([] { message_passing(false); }, quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::DataRace) << r.failure->to_string();
}

TEST(Accesses, OutsideAnExecutionTheyAreOrdinaryAccesses) {
  int counter = 0;
  increment(&counter);
  reset();
  publish(7, 1);
  EXPECT_EQ(consume(1), 7);
  EXPECT_EQ(counter, 1);
}

}  // namespace
