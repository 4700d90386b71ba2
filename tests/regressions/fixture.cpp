// A WEFT_TEST with a lost update that REGRESSION_FIXED=1 fixes, run in new
// processes by regressions_test.cpp with WEFT_REGRESSIONS set: it finds the
// bug, keeps it in its regression file, and sees it go stale once fixed.

#include <weft/gtest.h>

#include <cstdlib>

namespace {
bool fixed() {
  const char* v = std::getenv("REGRESSION_FIXED");
  return v && *v == '1';
}
}  // namespace

WEFT_TEST(Regression, LostUpdate) {
  weft::var<int> hits{0};
  weft::mutex m;
  const bool fix = fixed();
  auto hit = [&] {
    if (fix) m.lock();
    hits.set(hits.get() + 1);
    if (fix) m.unlock();
  };
  weft::thread a(hit);
  weft::thread b(hit);
  a.join();
  b.join();
  WEFT_ASSERT(hits.get() == 2, "an update was lost");
}
