// The samples that need ThreadSanitizer mode: their bug is a race on plain
// memory, which only TSan sees. weft-tsan-demo (demo.cpp built with this
// catalog and -fsanitize=thread) runs them.

#include "sample.h"

namespace weft::samples {

namespace {

constexpr Sample kSamples[] = {
    {"unprotected_vector", "two threads push_back into one std::vector with no lock (ThreadSanitizer mode)",
     &unprotected_vector::buggy, &unprotected_vector::fixed, FailureKind::DataRace},
};

}  // namespace

std::span<const Sample> all() { return kSamples; }

}  // namespace weft::samples
