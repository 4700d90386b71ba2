#pragma once
// The reserve a program test's driver allocates from once a crash is being
// reported (report_reserve.cpp).

namespace weft::program {

// crash_report_began: did a crash start being reported in this process?
// From then on weft's own allocations come from the reserve, and the C
// library's heap may be broken or locked: the driver must not use it.
bool crash_report_began() noexcept;

}  // namespace weft::program
