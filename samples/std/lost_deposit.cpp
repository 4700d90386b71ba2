// Lost deposit: every access to the balance is under the mutex, yet a
// deposit is lost. Each thread reads the balance in one critical section
// and writes the new balance in another; a second depositor can run in
// between, and one of the two writes overwrites the other.
//
// Fix: read and write in one critical section.
//
// Plain std::thread and std::mutex: weft::interpose puts them under weft.

#include <mutex>
#include <thread>

#include "std_samples.h"
#include "weft/assert.h"

namespace weft::samples::std_lost_deposit {

namespace {
struct Account {
  std::mutex m;
  int balance = 0;

  int read() {
    std::lock_guard<std::mutex> hold(m);
    return balance;
  }
  void write(int value) {
    std::lock_guard<std::mutex> hold(m);
    balance = value;
  }
};
}  // namespace

void buggy() {
  Account account;
  auto deposit = [&] { account.write(account.read() + 100); };
  std::thread a(deposit), b(deposit);
  a.join();
  b.join();
  WEFT_ASSERT(account.read() == 200, "a deposit was lost");
}

void fixed() {
  Account account;
  auto deposit = [&] {
    std::lock_guard<std::mutex> hold(account.m);
    account.balance += 100;
  };
  std::thread a(deposit), b(deposit);
  a.join();
  b.join();
  WEFT_ASSERT(account.read() == 200, "a deposit was lost");
}

}  // namespace weft::samples::std_lost_deposit
