// The list of samples, in reading order. A plain constant array: no
// registration at static-initialisation time.

#include "sample.h"

namespace weft::samples {

namespace {

constexpr Sample kSamples[] = {
    {"lost_update", "two threads increment a counter with read-then-write; an increment is lost",
     &lost_update::buggy, &lost_update::fixed, FailureKind::AssertionFailed, /*race_detection=*/false},
    {"check_then_act", "two withdrawals both pass the balance check before either withdraws",
     &check_then_act::buggy, &check_then_act::fixed, FailureKind::AssertionFailed, /*race_detection=*/false},
    {"lock_order_deadlock", "two threads lock the same two mutexes in opposite orders",
     &lock_order_deadlock::buggy, &lock_order_deadlock::fixed, FailureKind::Deadlock},
    {"missed_notify", "a condition-variable wait without a predicate misses an earlier notify",
     &missed_notify::buggy, &missed_notify::fixed, FailureKind::Deadlock},
    {"bounded_buffer_if", "a consumer re-checks the buffer with `if`, not `while`, and takes from empty",
     &bounded_buffer_if::buggy, &bounded_buffer_if::fixed, FailureKind::AssertionFailed},
    {"worker_pool_early_collect", "a collector reads the results after one worker is done, not all",
     &worker_pool_early_collect::buggy, &worker_pool_early_collect::fixed,
     FailureKind::AssertionFailed},
    {"racy_counter", "two threads increment a counter without a lock; the check passes, the accesses race",
     &racy_counter::buggy, &racy_counter::fixed, FailureKind::DataRace},
    {"relaxed_publication", "a payload is published through a flag with relaxed store and load",
     &relaxed_publication::buggy, &relaxed_publication::fixed, FailureKind::DataRace},
    {"three_lock_inversion", "three threads take three locks in a cycle; all hold their first only in rare schedules",
     &three_lock_inversion::buggy, &three_lock_inversion::fixed, FailureKind::Deadlock},
    {"pipe_echo_deadlock", "parent and child both receive first on their pipe, each waiting for the other",
     &pipe_echo_deadlock::buggy, &pipe_echo_deadlock::fixed, FailureKind::Deadlock},
    {"pipeline_lock_deadlock", "a producer blocks in put on a full queue holding a lock its consumer needs",
     &pipeline_lock_deadlock::buggy, &pipeline_lock_deadlock::fixed, FailureKind::Deadlock},
    {"reply_overtakes_cancel", "a late reply overtakes a cancel and is taken as the reply to the next request",
     &reply_overtakes_cancel::buggy, &reply_overtakes_cancel::fixed, FailureKind::AssertionFailed},
    {"supervisor_restart", "a supervisor restarts a crashed worker but drops the job it held",
     &supervisor_restart::buggy, &supervisor_restart::fixed, FailureKind::AssertionFailed,
     /*race_detection=*/true, /*process_crashes=*/true},
};

}  // namespace

std::span<const Sample> all() { return kSamples; }

}  // namespace weft::samples
