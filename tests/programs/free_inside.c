/* free() of a pointer into a block, not the block itself. */
#include <stdlib.h>

int main(void) {
  char *text = malloc(16);
  char *volatile inside = text + 4;
  free(inside);
  return 0;
}
