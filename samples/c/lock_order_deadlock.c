/* Two transfers between the same two accounts lock them in opposite
 * orders: each can hold one lock and wait for the other. With FIXED, both
 * lock the account with the lower number first. */
#include <pthread.h>

struct account {
  int number;
  pthread_mutex_t lock;
  int balance;
};

static struct account checking = {1, PTHREAD_MUTEX_INITIALIZER, 100};
static struct account savings = {2, PTHREAD_MUTEX_INITIALIZER, 100};

struct transfer {
  struct account* from;
  struct account* to;
  int amount;
};

static void* run_transfer(void* arg) {
  struct transfer* t = arg;
  struct account* first = t->from;
  struct account* second = t->to;
#ifdef FIXED
  if (first->number > second->number) {
    first = t->to;
    second = t->from;
  }
#endif
  pthread_mutex_lock(&first->lock);
  pthread_mutex_lock(&second->lock);
  t->from->balance -= t->amount;
  t->to->balance += t->amount;
  pthread_mutex_unlock(&second->lock);
  pthread_mutex_unlock(&first->lock);
  return NULL;
}

int main(void) {
  struct transfer to_savings = {&checking, &savings, 30};
  struct transfer to_checking = {&savings, &checking, 10};
  pthread_t a, b;
  pthread_create(&a, NULL, run_transfer, &to_savings);
  pthread_create(&b, NULL, run_transfer, &to_checking);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return checking.balance + savings.balance == 200 ? 0 : 1;
}
