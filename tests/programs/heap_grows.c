/* Every execution allocates 512 KiB, writes it and never frees it: the
 * heap is put back before the next one, so the driver's memory stays flat
 * however many executions run. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  char *chunk = malloc(512 * 1024);
  assert(chunk != NULL && chunk[0] == 0 && chunk[512 * 1024 - 1] == 0);
  memset(chunk, 1, 512 * 1024);
  return 0;
}
