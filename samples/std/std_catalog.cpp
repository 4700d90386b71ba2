// The standard-library samples, in reading order: weft::samples::all() of
// the executables that link weft::interpose (catalog.cpp is the other
// executables').

#include "std_samples.h"

namespace weft::samples {

namespace {

constexpr Sample kSamples[] = {
    {"std_lost_deposit", "std::thread deposits read and write the balance in two critical sections; one is lost",
     &std_lost_deposit::buggy, &std_lost_deposit::fixed, FailureKind::AssertionFailed},
    {"std_transfer_deadlock", "two std::mutex transfers in opposite directions each hold one account's lock",
     &std_transfer_deadlock::buggy, &std_transfer_deadlock::fixed, FailureKind::Deadlock},
    {"std_lost_wakeup", "a std::condition_variable wait without a predicate misses a notify that came first",
     &std_lost_wakeup::buggy, &std_lost_wakeup::fixed, FailureKind::Deadlock},
    {"std_cache_double_fill", "two readers miss a std::shared_mutex cache and both fill it, computing twice",
     &std_cache_double_fill::buggy, &std_cache_double_fill::fixed, FailureKind::AssertionFailed},
};

}  // namespace

std::span<const Sample> all() { return kSamples; }

}  // namespace weft::samples
