#pragma once
// Schedule: the choices one execution made, and the replay token that
// carries them. A choice is recorded only where there was something to
// choose (two or more runnable threads, or a value choice among two or more
// options), each in as few bits as its number of options needs.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/types.h"

namespace weft::sched {

class Schedule {
 public:
  void clear() noexcept {
    words_.clear();
    bit_count_ = 0;
    choices_ = 0;
  }
  // push records `value` chosen from [0, bound); bound >= 2.
  void push(std::uint32_t value, std::uint32_t bound) {
    const unsigned w = width(bound);
    const std::size_t word = bit_count_ >> 6;
    const unsigned offset = bit_count_ & 63;
    if (word + 1 >= words_.size()) [[unlikely]] words_.resize(word + 2, 0);
    words_[word] |= std::uint64_t{value} << offset;
    if (offset + w > 64) words_[word + 1] |= std::uint64_t{value} >> (64 - offset);
    bit_count_ += w;
    ++choices_;
  }

  std::size_t choices() const noexcept { return choices_; }

  // hash is a digest of the choices, equal for equal schedules; it
  // allocates nothing (it runs after every explored execution).
  std::uint64_t hash() const noexcept {
    std::uint64_t h = 0x9e3779b97f4a7c15u ^ bit_count_;
    const std::size_t used = (bit_count_ + 63) >> 6;
    for (std::size_t i = 0; i < used; ++i) {
      h ^= words_[i] + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
      h *= 0xff51afd7ed558ccdu;
    }
    return h;
  }

  // width is the number of bits a choice among `bound` options takes.
  static unsigned width(std::uint32_t bound) noexcept;

 private:
  friend class ScheduleReader;
  friend struct Token;
  // The choices' bits, least significant first: bit i of the stream is bit
  // i % 64 of words_[i / 64]. Words past the stream are zero.
  std::vector<std::uint64_t> words_;
  std::size_t bit_count_ = 0;
  std::size_t choices_ = 0;
};

// ScheduleReader hands a recorded schedule's choices back in order.
class ScheduleReader {
 public:
  explicit ScheduleReader(const Schedule& schedule) noexcept : schedule_(&schedule) {}
  bool exhausted() const noexcept { return taken_ == schedule_->choices_; }
  std::size_t taken() const noexcept { return taken_; }
  // next reads the next choice made among `bound` options. The caller checks
  // exhausted() first.
  std::uint32_t next(std::uint32_t bound) noexcept;

 private:
  const Schedule* schedule_;
  std::size_t bit_ = 0;
  std::size_t taken_ = 0;
};

// Config holds the settings that change which choices an execution has.
struct Config {
  std::uint64_t max_steps = 100000;
  bool spurious_wakeups = false;
  bool race_detection = false;  // read by the harness, which adds the detector
  // Faults, read by the harness's message passing (see weft::Options).
  bool process_crashes = false;
  bool pipe_breaks = false;
  bool queue_put_failures = false;
  std::uint32_t max_faults = 1;  // injected faults per execution, all kinds together
  bool spurious_failures = false;  // compare_exchange_weak may fail with the values equal
  // Pieces one interposed stream write may be split into (>= 1).
  std::uint32_t stream_pieces = 2;
};

// Token is everything a replay needs: the schedule, the settings that change
// which choices exist, and the failure the schedule led to, so a replay that
// does not reproduce it can say so.
struct Token {
  static constexpr std::string_view kPrefix = "w1.";  // format version 1

  Schedule schedule;
  // The faults' settings are written only when one is on, so older tokens
  // read the same.
  Config config;
  Verdict verdict = Verdict::AssertionFailed;
  std::uint64_t step = 0;       // the step the failure happened at
  std::uint64_t execution = 0;  // the index of the failing execution, for the report

  // encode gives a short printable string of [A-Za-z0-9._-] only, safe to
  // paste into a shell unquoted.
  std::string encode() const;
  // decode parses a token; on failure it returns false and sets `error` to
  // a sentence that says what is wrong with it.
  static bool decode(std::string_view text, Token& out, std::string& error);
};

}  // namespace weft::sched
