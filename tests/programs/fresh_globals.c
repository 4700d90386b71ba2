/* Every execution starts from the program's state after loading: each
 * kind of global is incremented once per execution and must read 1 more
 * than its initial value. */
#include <assert.h>

int initialised = 7;
int zeroed;
static int file_static;
int large[4096];

int main(void) {
  static int calls;
  ++calls;
  ++initialised;
  ++zeroed;
  ++file_static;
  ++large[4095];
  assert(calls == 1 && initialised == 8 && zeroed == 1 && file_static == 1 && large[4095] == 1);
  return 0;
}
