#pragma once
// weft::source_location: where a visible operation was called from.
//
// std::source_location needs __builtin_source_location, which clang 14 lacks
// when compiled against libstdc++ 12, so weft carries its own: the
// __builtin_FILE/__builtin_LINE pair works as a defaulted argument on both
// compilers and is evaluated at the call site.

namespace weft {

// source_location is a file and line captured at a call site; it is a plain
// value that never owns memory (file names are string literals).
struct source_location {
  const char* file = "";
  unsigned line = 0;

  // current() captures the caller's location when used as a default argument.
  static constexpr source_location current(const char* file = __builtin_FILE(),
                                           unsigned line = __builtin_LINE()) noexcept {
    return source_location{file, line};
  }
};

}  // namespace weft
