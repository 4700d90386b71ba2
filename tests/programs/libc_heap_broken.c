/* Blocks the C library allocated (not the program's heap: realpath's
 * results), one written after it was freed: the C library's heap is
 * broken, and glibc aborts inside the next large malloc. weft's report must
 * still be printed, though weft's own allocations cannot use that heap any
 * more. (Eight blocks: glibc keeps seven freed blocks of a size per thread
 * aside, the eighth goes to the list the large malloc walks. The word
 * written is the link to the next free block as glibc 2.32 and later
 * encode it, with the block's address, so that it decodes to a misaligned
 * pointer at any address: an abort, never a wild access.) */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* The write is not instrumented: weft would otherwise take note of that
 * memory, and its notes are made with the C library's allocator too. */
__attribute__((no_sanitize_thread)) static void write_word(uintptr_t *at, uintptr_t word) { *at = word; }

int main(void) {
  char *blocks[8];
  for (int i = 0; i < 8; ++i) blocks[i] = realpath("/", NULL);
  for (int i = 0; i < 8; ++i) free(blocks[i]);
  uintptr_t *link = (uintptr_t *)blocks[7];
  write_word(link, ((uintptr_t)link >> 12) ^ (uintptr_t)0x4141414141414141u);
  char *cwd = getcwd(NULL, 0);
  free(cwd);
  return 0;
}
