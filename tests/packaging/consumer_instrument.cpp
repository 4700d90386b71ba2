// Unmodified std::atomic code built with weft_instrument(): the relaxed
// publication is a data race that only the instrumentation shows.
#include <weft/gtest.h>

#include <atomic>

namespace {
int payload = 0;
std::atomic<bool> ready{false};

void publish(std::memory_order order) {
  payload = 0;
  ready.store(false);
  weft::thread producer([order] {
    payload = 42;
    ready.store(true, order);
  });
  if (ready.load(std::memory_order_acquire)) WEFT_ASSERT(payload == 42);
  producer.join();
}
}  // namespace

TEST(ConsumerInstrument, FindsTheRelaxedPublication) {
  const weft::Report r = weft::explore([] { publish(std::memory_order_relaxed); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::DataRace);
}

WEFT_TEST(ConsumerInstrument, TheReleasePublicationIsClean) { publish(std::memory_order_release); }
