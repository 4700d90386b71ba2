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
    {"std_self_pipe_lost_wakeup", "an event loop checks its work flag before draining its self-pipe; the drain eats a wake-up",
     &std_self_pipe_lost_wakeup::buggy, &std_self_pipe_lost_wakeup::fixed, FailureKind::Deadlock},
    {"std_epoll_edge_missed", "an edge-triggered epoll loop reads one byte per wake-up; two arrivals make one edge",
     &std_epoll_edge_missed::buggy, &std_epoll_edge_missed::fixed, FailureKind::Deadlock},
    {"std_socket_split_message", "a server parses one read() from a stream socket as one whole request",
     &std_socket_split_message::buggy, &std_socket_split_message::fixed, FailureKind::AssertionFailed},
    {"std_socketpair_both_read_first", "both ends of a socketpair wait for the other's greeting before sending",
     &std_socketpair_both_read_first::buggy, &std_socketpair_both_read_first::fixed, FailureKind::Deadlock},
};

}  // namespace

std::span<const Sample> all() { return kSamples; }

}  // namespace weft::samples
