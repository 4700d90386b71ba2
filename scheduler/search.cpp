#include "scheduler/search.h"

#include <algorithm>
#include <bit>
#include <charconv>

namespace weft::sched {

namespace {
// frontier_for: enough levels that the frontier has a few nodes per shard
// (each branching choice has two options or more).
std::uint32_t frontier_for(std::uint32_t shards) noexcept {
  if (shards <= 1) return 0;
  return static_cast<std::uint32_t>(std::bit_width(shards - 1)) + 2;
}
}  // namespace

Search::Search(std::uint32_t shard, std::uint32_t shards) noexcept
    : shard_(shard), shards_(shards ? shards : 1), frontier_depth_(frontier_for(shards)) {}

std::string Search::cut() const {
  std::string out;
  const auto add = [&out](const std::string& reason) { out += (out.empty() ? "" : "; ") + reason; };
  if (values_cut_)
    add("value choices among more than " + std::to_string(kMaxValues) + " options were explored for their first " +
        std::to_string(kMaxValues) + " values only");
  if (rare_cut_)
    add("spurious wake-ups and short pipe reads and writes were explored up to " + std::to_string(kRareChoices) +
        " per execution");
  if (diverged_)
    add("the body did not do the same again when an execution was run along a recorded prefix (it depends on "
        "something weft does not control), so the search dropped the part of the space it could not reach");
  return out;
}

std::uint32_t Search::limit_of(std::uint32_t bound) noexcept {
  if (bound <= kMaxValues) return bound;
  values_cut_ = true;
  return kMaxValues;
}

bool Search::rare_allowed() noexcept {
  if (rare_used_ < kRareChoices) return true;
  rare_cut_ = true;
  return false;
}

void Search::put(std::string& out, std::uint64_t n) {
  out += std::to_string(n);
  out += ' ';
}

bool Search::get(std::string_view& in, std::uint64_t& n) {
  while (!in.empty() && (in.front() == ' ' || in.front() == '\n')) in.remove_prefix(1);
  const auto [end, error] = std::from_chars(in.data(), in.data() + in.size(), n);
  if (error != std::errc{} || end == in.data()) return false;
  in.remove_prefix(static_cast<std::size_t>(end - in.data()));
  return true;
}

void Search::save_common(std::string& out) const {
  put(out, frontier_next_);
  put(out, (values_cut_ ? 1 : 0) | (rare_cut_ ? 2 : 0) | (diverged_ ? 4 : 0) | (done_ ? 8 : 0));
}

bool Search::load_common(std::string_view& in) {
  std::uint64_t flags = 0;
  if (!get(in, frontier_next_) || !get(in, flags) || flags > 15) return false;
  values_cut_ = (flags & 1) != 0;
  rare_cut_ = (flags & 2) != 0;
  diverged_ = (flags & 4) != 0;
  done_ = (flags & 8) != 0;
  return true;
}

}  // namespace weft::sched
