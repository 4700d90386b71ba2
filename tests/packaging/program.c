/* A C program with its own main, as a downstream project tests it:
 * weft_add_program_test from the installed package (or the subdirectory). */
#include <assert.h>
#include <pthread.h>

static int balance;

static void* deposit(void* unused) {
  (void)unused;
  balance = balance + 10;
  return 0;
}

int main(void) {
  pthread_t a, b;
  pthread_create(&a, 0, deposit, 0);
  pthread_create(&b, 0, deposit, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  assert(balance == 20);
  return 0;
}
