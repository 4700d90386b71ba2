// WEFT_PREEMPTION_BOUND, WEFT_TIME_LIMIT, WEFT_CHECKPOINT and the shard
// variables.

#include "search_environment.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace weft::detail {

namespace {
// whole parses a non-negative whole number of at most 9 digits.
bool whole(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 9) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = v;
  return true;
}

// seconds parses "2", "0.5" or "1.25" (at most 9 decimals) as nanoseconds.
bool seconds(std::string_view text, std::chrono::nanoseconds& out) {
  const std::size_t dot = text.find('.');
  std::uint64_t whole_part = 0;
  std::uint64_t fraction = 0;
  const std::string_view head = text.substr(0, dot);
  if (!whole(head, whole_part)) return false;
  if (dot != std::string_view::npos) {
    std::string tail(text.substr(dot + 1));
    if (tail.empty() || tail.size() > 9 || !whole(tail, fraction)) return false;
    tail.append(9 - tail.size(), '0');
    whole(tail, fraction);
  }
  out = std::chrono::seconds(whole_part) + std::chrono::nanoseconds(fraction);
  return true;
}

const char* variable(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// ShardSetting is one family of shard variables as the environment sets it.
struct ShardSetting {
  const char* index_name;
  const char* count_name;
  std::uint64_t index = 0;
  std::uint64_t count = 0;
  bool set = false;
};

void read_family(ShardSetting& s) {
  const char* index = variable(s.index_name);
  const char* count = variable(s.count_name);
  if (!index && !count) return;
  if (!index || !count)
    throw std::invalid_argument(std::string(index ? s.index_name : s.count_name) + " is set but " +
                                (index ? s.count_name : s.index_name) +
                                " is not: a shard needs both its index and the number of shards");
  if (!whole(count, s.count) || s.count == 0)
    throw std::invalid_argument(std::string(s.count_name) + "=\"" + count + "\" is not a number of shards (1 or more)");
  if (!whole(index, s.index))
    throw std::invalid_argument(std::string(s.index_name) + "=\"" + index + "\" is not a shard index");
  if (s.index >= s.count)
    throw std::invalid_argument(std::string(s.index_name) + "=" + index + " is out of range: " + s.count_name + "=" +
                                count + " numbers the shards from 0 to " + std::to_string(s.count - 1));
  s.set = true;
}
}  // namespace

bool touch_shard_status_file() {
  const char* file = variable("TEST_SHARD_STATUS_FILE");
  if (!file) return true;
  std::FILE* f = std::fopen(file, "a");
  if (!f) return false;
  std::fclose(f);
  return true;
}

void read_search_environment(Options& o) {
  if (const char* v = variable("WEFT_PREEMPTION_BOUND")) {
    std::uint64_t k = 0;
    if (!whole(v, k))
      throw std::invalid_argument(std::string("WEFT_PREEMPTION_BOUND=\"") + v +
                                  "\" is not a number of preemptions (a whole number, 0 or more)");
    o.preemption_bound(static_cast<std::uint32_t>(k));
  }
  if (const char* v = variable("WEFT_TIME_LIMIT")) {
    std::chrono::nanoseconds limit{};
    if (!seconds(v, limit))
      throw std::invalid_argument(std::string("WEFT_TIME_LIMIT=\"") + v +
                                  "\" is not a number of seconds (such as 30 or 0.5)");
    if (limit.count() == 0)
      throw std::invalid_argument(std::string("WEFT_TIME_LIMIT=\"") + v +
                                  "\" would stop before any execution ran, so every test would pass untested: give "
                                  "a number of seconds above 0");
    o.time_limit(limit);
  }
  if (const char* v = variable("WEFT_CHECKPOINT")) o.checkpoint(v, o.checkpoint_key());

  // weft's own names first: the GoogleTest adapter moves GoogleTest's there,
  // so that GoogleTest does not also split the weft tests among the shards.
  ShardSetting families[] = {{"WEFT_SHARD_INDEX", "WEFT_TOTAL_SHARDS"},
                             {"GTEST_SHARD_INDEX", "GTEST_TOTAL_SHARDS"},
                             {"TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS"}};
  const ShardSetting* chosen = nullptr;
  for (ShardSetting& s : families) {
    read_family(s);
    if (!s.set) continue;
    if (chosen && (chosen->index != s.index || chosen->count != s.count))
      throw std::invalid_argument(std::string(chosen->index_name) + "/" + chosen->count_name + " (" +
                                  std::to_string(chosen->index) + " of " + std::to_string(chosen->count) +
                                  ") and " + s.index_name + "/" + s.count_name + " (" + std::to_string(s.index) +
                                  " of " + std::to_string(s.count) + ") name different shards");
    if (!chosen) chosen = &s;
  }
  if (families[2].set && !touch_shard_status_file())
    throw std::invalid_argument(std::string("TEST_SHARD_STATUS_FILE=\"") + variable("TEST_SHARD_STATUS_FILE") +
                                "\" cannot be created");
  if (chosen) o.shard(static_cast<std::uint32_t>(chosen->index), static_cast<std::uint32_t>(chosen->count));
}

}  // namespace weft::detail
