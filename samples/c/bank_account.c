/* A bank account with a missing lock: two customers deposit at once, and
 * each deposit reads the balance and writes it back. With FIXED, the
 * deposit holds the account's lock. */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>

struct account {
  pthread_mutex_t lock;
  int balance;
};

static struct account account = {PTHREAD_MUTEX_INITIALIZER, 100};

static void deposit(struct account* a, int amount) {
#ifdef FIXED
  pthread_mutex_lock(&a->lock);
#endif
  a->balance = a->balance + amount;
#ifdef FIXED
  pthread_mutex_unlock(&a->lock);
#endif
}

static void* customer(void* amount) {
  deposit(&account, *(int*)amount);
  return NULL;
}

int main(void) {
  pthread_t alice, bob;
  int fifty = 50, twenty = 20;
  pthread_create(&alice, NULL, customer, &fifty);
  pthread_create(&bob, NULL, customer, &twenty);
  pthread_join(alice, NULL);
  pthread_join(bob, NULL);
  printf("balance: %d\n", account.balance);
  assert(account.balance == 170);
  return 0;
}
