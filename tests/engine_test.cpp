#include <gtest/gtest.h>
#include <weft/weft.h>

TEST(Engine, Smoke) {
  auto r = weft::explore([] {
    weft::var<int> x{0};
    weft::thread a([&] { x.set(x.get() + 1); });
    weft::thread b([&] { x.set(x.get() + 1); });
    a.join();
    b.join();
    WEFT_ASSERT(x.get() == 2);
  });
  ASSERT_FALSE(r.ok());
  std::cout << *r.failure;
}
