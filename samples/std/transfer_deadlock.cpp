// Transfer deadlock: a transfer locks the source account, then the
// destination. Two opposite transfers at once each hold one lock and wait
// for the other's.
//
// Fix: take both locks at once with std::scoped_lock, which orders them.

#include <mutex>
#include <thread>

#include "std_samples.h"
#include "weft/assert.h"

namespace weft::samples::std_transfer_deadlock {

namespace {
struct Account {
  std::mutex m;
  int balance = 100;
};

void transfer(Account& from, Account& to, int amount) {
  std::lock_guard<std::mutex> lock_from(from.m);
  std::lock_guard<std::mutex> lock_to(to.m);
  from.balance -= amount;
  to.balance += amount;
}

void transfer_both_locked(Account& from, Account& to, int amount) {
  std::scoped_lock both(from.m, to.m);
  from.balance -= amount;
  to.balance += amount;
}
}  // namespace

void buggy() {
  Account alice, bob;
  std::thread a([&] { transfer(alice, bob, 10); });
  std::thread b([&] { transfer(bob, alice, 20); });
  a.join();
  b.join();
  WEFT_ASSERT(alice.balance + bob.balance == 200);
}

void fixed() {
  Account alice, bob;
  std::thread a([&] { transfer_both_locked(alice, bob, 10); });
  std::thread b([&] { transfer_both_locked(bob, alice, 20); });
  a.join();
  b.join();
  WEFT_ASSERT(alice.balance + bob.balance == 200);
}

}  // namespace weft::samples::std_transfer_deadlock
