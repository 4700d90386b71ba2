/* C code for verifier_test, built with -finstrument-functions: an increment
 * with a scheduling point between its read and its write, once plain and
 * once in a function whose name makes it atomic; and a reach_error of the
 * program's own that does nothing by itself (weft fails on entering it). */
/* Deliberately without <weft/verifier.h>: its reach_error never returns. */

void test_scheduling_point(void); /* weft::this_thread::yield, from verifier_test.cpp */

static void __VERIFIER_atomic_increment(int* counter) {
  int seen = *counter;
  test_scheduling_point();
  *counter = seen + 1;
}

void increment_atomically(int* counter) { __VERIFIER_atomic_increment(counter); }

void increment_plainly(int* counter) {
  int seen = *counter;
  test_scheduling_point();
  *counter = seen + 1;
}

void reach_error(void) {}

void check_counter(int counter, int expected) {
  if (counter != expected) reach_error();
}
