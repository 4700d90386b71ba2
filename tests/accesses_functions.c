/* C code for accesses_test, built with -fsanitize=thread: its plain and
 * C11 atomic accesses reach weft through the instrumentation. */
#include <stdatomic.h>

void increment(int* counter) { *counter = *counter + 1; }

int payload;
atomic_int ready;

void publish(int value, int release) {
  payload = value;
  atomic_store_explicit(&ready, 1, release ? memory_order_release : memory_order_relaxed);
}

int consume(int acquire) {
  while (!atomic_load_explicit(&ready, acquire ? memory_order_acquire : memory_order_relaxed)) {
  }
  return payload;
}

void reset(void) {
  payload = 0;
  atomic_store(&ready, 0);
}
