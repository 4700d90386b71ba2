#include "entry_checks.h"

#include <string>

#include "engine_access.h"

namespace weft::detail {

namespace {
Failure misuse_before_running(std::string message) {
  Failure f;
  f.kind = FailureKind::Misuse;
  f.message = std::move(message);
  return f;
}

// unusable_search_options refuses the settings of exhaustive search, time
// and shards that would test nothing or cannot work.
std::optional<Failure> unusable_search_options(const Options& options) {
  if (options.time_limit() && options.time_limit()->count() <= 0)
    return misuse_before_running("Options::time_limit is " + std::to_string(options.time_limit()->count()) +
                                 " ns: no execution would run and the test would pass untested; give it a time "
                                 "above 0, or leave it unset for no limit");
  if (options.shard_count() == 0)
    return misuse_before_running("Options::shard has 0 shards: use 1 or more");
  if (options.shard_index() >= options.shard_count())
    return misuse_before_running("Options::shard index " + std::to_string(options.shard_index()) +
                                 " is out of range for " + std::to_string(options.shard_count()) +
                                 " shards, numbered from 0 to " + std::to_string(options.shard_count() - 1));
  if (options.preemption_bound() && !options.strategy().exhaustive())
    return misuse_before_running("Options::preemption_bound (WEFT_PREEMPTION_BOUND) bounds an exhaustive search, "
                                 "but the strategy is " + options.strategy().to_string() +
                                 ", which samples: use Strategy::dpor() (WEFT_STRATEGY=dpor) with it");
  if (!options.checkpoint().empty() && !options.strategy().exhaustive())
    return misuse_before_running("Options::checkpoint (WEFT_CHECKPOINT) saves the progress of an exhaustive search, "
                                 "but the strategy is " + options.strategy().to_string() +
                                 ": use Strategy::dpor() (WEFT_STRATEGY=dpor) with it");
  return std::nullopt;
}
}  // namespace

std::optional<Failure> unusable_options(const Options& options, bool exploring) {
  if (exploring && options.iterations() == 0)
    return misuse_before_running(
        "Options::iterations is 0: no execution would run and the test would pass untested; use 1 or more");
  if (exploring) {
    if (std::optional<Failure> f = unusable_search_options(options)) return f;
    if (options.break_at() != 0)
      return misuse_before_running("Options::break_at (WEFT_BREAK) stops a replay at step " +
                                   std::to_string(options.break_at()) +
                                   ", but this is an exploration: replay the failure's token (WEFT_REPLAY) with it");
  }
  if (options.stack_size() > Options::kMaxStackSize)
    return misuse_before_running("Options::stack_size is " + std::to_string(options.stack_size()) +
                                 " bytes, over the " + std::to_string(Options::kMaxStackSize >> 30) +
                                 " GiB weft allows per thread (Options::kMaxStackSize): no stack that large "
                                 "can be mapped for each weft thread");
  return std::nullopt;
}

std::optional<Failure> nested_call(const char* function) {
  Execution* outer = Execution::bound();
  if (!outer) return std::nullopt;
  const bool on_thread = Execution::active() == outer;
  std::string message = std::string(function) + " was called inside a body that weft is running" +
                        (on_thread ? " (by " + thread_name(outer->current()) + ")" : std::string()) +
                        ": explorations do not nest (the inner one would run all its executions within one step "
                        "of the outer, which could neither interleave its threads with the outer ones nor replay "
                        "them); call " + function + " from the test itself";
  // Thrown out of the call into the body, so the outer report names it.
  if (on_thread) misuse(*outer, message, source_location{});
  Failure f = misuse_before_running(std::move(message));
  return f;
}

}  // namespace weft::detail
