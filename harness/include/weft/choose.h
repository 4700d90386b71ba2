#pragma once
// weft::choose: a value of the test's own that the strategy picks.

#include <cstdint>

#include "weft/source_location.h"

namespace weft {

// choose returns a value in [0, n) picked by the exploration's strategy:
// random strategies pick it at random, Strategy::dpor() tries every value
// (up to 16 of them; more make Report::exhausted() false), and the replay
// token records it, so a replay takes the same one (Relacy's rl::rand).
// choose(0) and choose(1) are 0; outside weft::explore and weft::replay it
// is 0 too.
std::uint32_t choose(std::uint32_t n, source_location where = source_location::current());

}  // namespace weft
