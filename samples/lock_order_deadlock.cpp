// Lock-order deadlock: a transfer between two accounts locks both. One
// thread locks `from` then `to`, the other the same two accounts the other
// way round. If each takes its first lock before either takes its second,
// each waits for the lock the other holds, for ever.
//
// Fix: take the locks in one global order everywhere, or let
// std::scoped_lock take them together: it avoids deadlock whatever order
// its arguments come in.

#include <mutex>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::lock_order_deadlock {

void buggy() {
  weft::mutex alice;
  weft::mutex bob;

  weft::thread alice_pays_bob([&] {
    std::lock_guard from(alice);
    std::lock_guard to(bob);
  });
  weft::thread bob_pays_alice([&] {
    std::lock_guard from(bob);
    std::lock_guard to(alice);  // opposite order: may wait for ever
  });
  alice_pays_bob.join();
  bob_pays_alice.join();
}

void fixed() {
  weft::mutex alice;
  weft::mutex bob;

  weft::thread alice_pays_bob([&] { std::scoped_lock both(alice, bob); });
  weft::thread bob_pays_alice([&] { std::scoped_lock both(bob, alice); });
  alice_pays_bob.join();
  bob_pays_alice.join();
}

}  // namespace weft::samples::lock_order_deadlock
