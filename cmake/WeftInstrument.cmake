# Instrumented mode (docs/instrumentation.md).
#
# weft_instrument(<target>): build <target>'s own sources (and the headers
# they include) with the compiler's ThreadSanitizer instrumentation, without
# the TSan runtime, and link weft's hooks for it (weft::instrument): every
# std::atomic operation becomes a scheduling point, every plain access of
# shared memory is checked by weft's race detector. Works with g++ and
# clang. <target> may be an executable, or a static or object library that
# test executables link (they get the hooks through it); for a shared
# library or module, link weft::instrument into the executable that loads
# it. Not together with weft_tsan() on one executable.
function(weft_instrument target)
  if(NOT TARGET weft::instrument)
    message(FATAL_ERROR "weft_instrument(${target}): weft::instrument is not defined (add weft first)")
  endif()
  # -fno-sanitize=all first: the instrumentation cannot be combined with
  # another sanitizer a build puts on everything (AddressSanitizer).
  target_compile_options(${target} PRIVATE -fno-sanitize=all -fsanitize=thread)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # clang drops the read of a read-then-write of one address in a basic
    # block (`x = x + 1`): keep it, so that a lost update can be explored.
    target_compile_options(${target} PRIVATE "SHELL:-mllvm -tsan-instrument-read-before-write=1")
  else()
    # g++ warns that TSan does not support fences; weft does.
    target_compile_options(${target} PRIVATE -Wno-tsan)
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_link_libraries(${target} PRIVATE weft::instrument)
  elseif(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "OBJECT_LIBRARY")
    target_link_libraries(${target} PUBLIC weft::instrument)
  endif()
endfunction()
