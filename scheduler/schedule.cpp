#include "scheduler/schedule.h"

#include <algorithm>
#include <array>

namespace weft::sched {

unsigned Schedule::width(std::uint32_t bound) noexcept {
  return bound <= 1 ? 0u : 32u - static_cast<unsigned>(__builtin_clz(bound - 1));
}

std::uint32_t ScheduleReader::next(std::uint32_t bound) noexcept {
  std::uint32_t value = 0;
  const auto& words = schedule_->words_;
  for (unsigned i = 0, w = Schedule::width(bound); i < w; ++i, ++bit_) {
    const std::size_t word = bit_ / 64;
    if (word < words.size() && ((words[word] >> (bit_ % 64)) & 1u)) value |= 1u << i;
  }
  ++taken_;
  return value;
}

namespace {
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

bool get_varint(const std::vector<std::uint8_t>& in, std::size_t& at, std::uint64_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (at >= in.size()) return false;
    const std::uint8_t b = in[at++];
    v |= std::uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

std::uint16_t checksum(const std::uint8_t* data, std::size_t n) noexcept {
  std::uint32_t h = 2166136261u;  // FNV-1a, folded to 16 bits
  for (std::size_t i = 0; i < n; ++i) h = (h ^ data[i]) * 16777619u;
  return static_cast<std::uint16_t>((h >> 16) ^ (h & 0xFFFF));
}

std::string base64url(const std::vector<std::uint8_t>& in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::uint8_t b : in) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63u]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63u]);
  return out;
}

bool from_base64url(std::string_view in, std::vector<std::uint8_t>& out, std::string& error) {
  std::array<int, 256> value;
  value.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) value[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const int v = value[static_cast<unsigned char>(in[i])];
    if (v < 0) {
      error = "character " + std::to_string(i + 1 + Token::kPrefix.size()) + " ('" + std::string(1, in[i]) +
              "') is not part of a weft token";
      return false;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  // Tokens are canonical: the bits past the last byte are zero, so one
  // failure has exactly one token.
  if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0) {
    error = "the token's last character is not one weft writes: it was altered or cut off when copied";
    return false;
  }
  return true;
}
}  // namespace

std::string Token::encode() const {
  std::vector<std::uint8_t> bytes;
  const Config& c = config;
  const bool faults = c.process_crashes || c.pipe_breaks || c.queue_put_failures;
  // Written only when not the default, so older tokens read the same.
  const bool pieces = c.stream_pieces != Config{}.stream_pieces;
  bytes.push_back(static_cast<std::uint8_t>((c.spurious_wakeups ? 1 : 0) | (c.race_detection ? 2 : 0) |
                                            (c.process_crashes ? 4 : 0) | (c.pipe_breaks ? 8 : 0) |
                                            (c.queue_put_failures ? 16 : 0) | (pieces ? 32 : 0) |
                                            (c.spurious_failures ? 64 : 0)));
  bytes.push_back(static_cast<std::uint8_t>(verdict));
  put_varint(bytes, step);
  put_varint(bytes, execution);
  put_varint(bytes, c.max_steps);
  if (faults) put_varint(bytes, c.max_faults);
  if (pieces) put_varint(bytes, c.stream_pieces);
  put_varint(bytes, schedule.choices_);
  put_varint(bytes, schedule.bit_count_);
  for (std::size_t i = 0; i < (schedule.bit_count_ + 7) / 8; ++i)
    bytes.push_back(static_cast<std::uint8_t>(schedule.words_[i / 8] >> (8 * (i % 8))));
  const std::uint16_t sum = checksum(bytes.data(), bytes.size());
  bytes.push_back(static_cast<std::uint8_t>(sum >> 8));
  bytes.push_back(static_cast<std::uint8_t>(sum & 0xFF));
  return std::string(kPrefix) + base64url(bytes);
}

bool Token::decode(std::string_view text, Token& out, std::string& error) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) {
    error = "the token is empty";
    return false;
  }
  if (text.size() < kPrefix.size() || text.substr(0, kPrefix.size()) != kPrefix) {
    if (text.size() >= 2 && text[0] == 'w' && text[1] >= '0' && text[1] <= '9')
      error = "the token is of format version " + std::string(1, text[1]) +
              ", which this weft does not read (it reads version 1, tokens starting with \"w1.\")";
    else
      error = "not a weft token: weft tokens start with \"w1.\"";
    return false;
  }
  std::vector<std::uint8_t> bytes;
  if (!from_base64url(text.substr(kPrefix.size()), bytes, error)) return false;
  if (bytes.size() < 8) {
    error = "the token is too short: it was probably cut off when copied";
    return false;
  }
  const std::uint16_t sum = static_cast<std::uint16_t>((bytes[bytes.size() - 2] << 8) | bytes.back());
  bytes.resize(bytes.size() - 2);
  if (checksum(bytes.data(), bytes.size()) != sum) {
    error = "the token's checksum does not match: it was altered or cut off when copied";
    return false;
  }
  Token t;
  std::size_t at = 0;
  t.config.spurious_wakeups = (bytes[at] & 1) != 0;
  t.config.race_detection = (bytes[at] & 2) != 0;
  t.config.process_crashes = (bytes[at] & 4) != 0;
  t.config.pipe_breaks = (bytes[at] & 8) != 0;
  t.config.queue_put_failures = (bytes[at] & 16) != 0;
  const bool pieces = (bytes[at] & 32) != 0;
  t.config.spurious_failures = (bytes[at++] & 64) != 0;
  const std::uint8_t verdict = bytes[at++];
  if (verdict >= kVerdictCount) {
    error = "the token names a failure kind this weft does not know";
    return false;
  }
  t.verdict = static_cast<Verdict>(verdict);
  std::uint64_t choices = 0, bit_count = 0;
  std::uint64_t max_faults = 1;
  std::uint64_t stream_pieces = Config{}.stream_pieces;
  const bool faults = t.config.process_crashes || t.config.pipe_breaks || t.config.queue_put_failures;
  if (!get_varint(bytes, at, t.step) || !get_varint(bytes, at, t.execution) || !get_varint(bytes, at, t.config.max_steps) ||
      (faults && !get_varint(bytes, at, max_faults)) || (pieces && !get_varint(bytes, at, stream_pieces)) ||
      !get_varint(bytes, at, choices) ||
      !get_varint(bytes, at, bit_count)) {
    error = "the token's header is incomplete";
    return false;
  }
  if ((bit_count + 7) / 8 != bytes.size() - at) {
    error = "the token's schedule has " + std::to_string(bytes.size() - at) + " bytes where its header says " +
            std::to_string((bit_count + 7) / 8);
    return false;
  }
  t.schedule.words_.assign((bit_count + 63) / 64 + 1, 0);
  for (std::size_t i = at; i < bytes.size(); ++i)
    t.schedule.words_[(i - at) / 8] |= std::uint64_t{bytes[i]} << (8 * ((i - at) % 8));
  t.schedule.bit_count_ = bit_count;
  t.schedule.choices_ = choices;
  t.config.max_faults = static_cast<std::uint32_t>(std::min<std::uint64_t>(max_faults, UINT32_MAX));
  t.config.stream_pieces = static_cast<std::uint32_t>(std::clamp<std::uint64_t>(stream_pieces, 1, UINT32_MAX));
  out = std::move(t);
  return true;
}

}  // namespace weft::sched
