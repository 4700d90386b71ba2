#pragma once
// WEFT_ASAN is 1 where this translation unit is built with AddressSanitizer
// (g++ says so with __SANITIZE_ADDRESS__, clang with __has_feature).

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define WEFT_ASAN 1
#endif
#ifndef WEFT_ASAN
#define WEFT_ASAN 0
#endif
