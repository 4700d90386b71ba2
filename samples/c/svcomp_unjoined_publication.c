/* SV-COMP style, and common in C: main starts a thread and returns without
 * joining it. The writer publishes data through a flag; main reads the data
 * only after seeing the flag. Under sequential consistency, which is what
 * weft explores, reach_error is unreachable (verdict true), though the
 * accesses race (explored without race detection, as for the unreach-call
 * property). When main returns first, the process ends and the writer with
 * it: weft notes how often that happened. */
#include <pthread.h>

extern void __assert_fail(const char*, const char*, unsigned int, const char*) __attribute__((__noreturn__));
void reach_error(void) { __assert_fail("0", "svcomp_unjoined_publication.c", 12, "reach_error"); }

int data;
int flag;

void* writer(void* unused) {
  (void)unused;
  data = 42;
  flag = 1;
  return 0;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, 0, writer, 0);
  if (flag && data != 42) reach_error();
  return 0;
}
