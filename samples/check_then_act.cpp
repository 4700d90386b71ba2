// Check-then-act: two threads withdraw 80 from an account holding 100, each
// checking the balance first. Both can see 100 before either withdraws, and
// the balance ends at -60, though every single check passed.
//
// Fix: the check and the act must happen under one lock, so that the
// balance cannot change between them.

#include <mutex>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::check_then_act {

void buggy() {
  weft::var<int> balance{100};
  auto withdraw = [&] {
    if (balance.get() >= 80) balance.set(balance.get() - 80);  // check, then act
  };

  weft::thread a(withdraw);
  weft::thread b(withdraw);
  a.join();
  b.join();
  WEFT_ASSERT(balance.get() >= 0, "the account is overdrawn");
}

void fixed() {
  weft::var<int> balance{100};
  weft::mutex account;
  auto withdraw = [&] {
    std::lock_guard lock(account);
    if (balance.get() >= 80) balance.set(balance.get() - 80);
  };

  weft::thread a(withdraw);
  weft::thread b(withdraw);
  a.join();
  b.join();
  WEFT_ASSERT(balance.get() >= 0, "the account is overdrawn");
}

}  // namespace weft::samples::check_then_act
