// The ring body on std::atomic and plain int: bench_instrument builds this
// file with weft_instrument, bench_instrument_tsan with weft_tsan.

#include <atomic>

#include "ring_body.h"

namespace bench {
void std_ring() { ring_transfer<std::atomic<std::size_t>, int>(); }
}  // namespace bench
