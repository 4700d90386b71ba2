// The samples of instrumented mode: unmodified code on std::atomic and
// plain memory, built with weft_instrument(). weft-instrument-demo
// (demo.cpp with this catalog) and instrument_samples_test run them.

#include "sample.h"

namespace weft::samples {

namespace {

// The last field is Sample::memory_functions: the ring's strings may be
// copied by libstdc++'s compiled code, through memcpy (always so without
// optimization); the stack's bug is a use after free.
constexpr Sample kSamples[] = {
    {"spsc_relaxed_publication", "an SPSC ring buffer publishes its tail with a relaxed store (instrumented mode)",
     &spsc_ring::relaxed_buggy, &spsc_ring::fixed, FailureKind::DataRace, true, false, true},
    {"spsc_early_publication", "an SPSC ring buffer publishes its tail before it constructs the element (instrumented mode)",
     &spsc_ring::early_buggy, &spsc_ring::fixed, FailureKind::DataRace, true, false, true},
    {"flag_spinlock", "a spin lock on std::atomic_flag is released with a relaxed clear (instrumented mode)",
     &flag_spinlock::buggy, &flag_spinlock::fixed, FailureKind::DataRace},
    {"treiber_stack", "a Treiber stack deletes a popped node another pop still reads (instrumented mode)",
     &treiber_stack::buggy, &treiber_stack::fixed, FailureKind::UseAfterFree, true, false, true},
    {"double_checked_locking", "double-checked locking reads its flag with a relaxed load (instrumented mode)",
     &double_checked_locking::buggy, &double_checked_locking::fixed, FailureKind::DataRace},
    {"fence_litmus", "message passing with atomic_thread_fence, the release fence left out (instrumented mode)",
     &fence_litmus::buggy, &fence_litmus::fixed, FailureKind::DataRace},
};

}  // namespace

std::span<const Sample> all() { return kSamples; }

}  // namespace weft::samples
