#pragma once
// weft::source_location: where a visible operation was called from.
//
// std::source_location needs __builtin_source_location, which clang 14 lacks
// when compiled against libstdc++ 12, so weft carries its own: the
// __builtin_FILE/__builtin_LINE pair works as a defaulted argument on both
// compilers and is evaluated at the call site. The column comes from
// __builtin_COLUMN with clang and from std::source_location with g++ 12,
// which has no __builtin_COLUMN.

#include <source_location>

namespace weft {

// source_location is a file, line and column captured at a call site; it
// is a plain value that never owns memory (file names are string literals).
// For a call that spans lines, which line and column the compiler gives is
// its own choice: clang gives where the call starts, g++ where the
// arguments of a constructor call end. weft reports the line where a
// thread or process is created as clang does, under both (docs/reading-a-report.md).
struct source_location {
  const char* file = "";
  unsigned line = 0;
  unsigned column = 0;  // 1-based; 0: unknown

#if defined(__clang__)
  // current() captures the caller's location when used as a default argument.
  static constexpr source_location current(const char* file = __builtin_FILE(), unsigned line = __builtin_LINE(),
                                           unsigned column = __builtin_COLUMN()) noexcept {
    return source_location{file, line, column};
  }
#else
  // current() captures the caller's location when used as a default argument.
  static constexpr source_location current(const char* file = __builtin_FILE(), unsigned line = __builtin_LINE(),
                                           unsigned column = std::source_location::current().column()) noexcept {
    return source_location{file, line, column};
  }
#endif
};

}  // namespace weft
