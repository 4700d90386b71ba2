#pragma once
// The environment variables of systematic exploration: the preemption bound,
// the time limit, the checkpoint file and the CI shard (GoogleTest's, Bazel's
// or weft's own names). Internal to the harness; Options::from_environment
// calls it.

#include "weft/options.h"

namespace weft::detail {

// read_search_environment overrides `o` with WEFT_PREEMPTION_BOUND,
// WEFT_TIME_LIMIT, WEFT_CHECKPOINT and the shard variables where set; it
// throws std::invalid_argument naming the variable for a value it cannot
// use. Reading a Bazel shard touches TEST_SHARD_STATUS_FILE, which tells
// Bazel the test knows the sharding protocol.
void read_search_environment(Options& o);

// touch_shard_status_file creates the file TEST_SHARD_STATUS_FILE names, if
// it is set (Bazel's sharding protocol); false if it cannot be created.
bool touch_shard_status_file();

}  // namespace weft::detail
