#pragma once
// Reading the words of weft's own text settings: whole numbers (WEFT_*
// variables, regression files) and failure kinds by name (a program test's
// EXPECT, regression files).

#include <cstdint>
#include <optional>
#include <string_view>

#include "weft/failure.h"

namespace weft::detail {

// parse_whole reads a non-negative whole number that fits 64 bits; false
// for anything else (empty, a sign, other characters, overflow).
inline bool parse_whole(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const std::uint64_t next = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (next / 10 != v) return false;
    v = next;
  }
  out = v;
  return true;
}

// failure_kind_named is the FailureKind whose to_string is `name`, or nothing.
inline std::optional<FailureKind> failure_kind_named(std::string_view name) {
  for (unsigned k = 0;; ++k) {
    const auto kind = static_cast<FailureKind>(k);
    const std::string_view text = to_string(kind);
    if (text == "Unknown") return std::nullopt;
    if (text == name) return kind;
  }
}

}  // namespace weft::detail
