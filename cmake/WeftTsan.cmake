# ThreadSanitizer mode (docs/thread-sanitizer.md).
#
# weft_tsan(target): build `target`'s own sources with -fsanitize=thread and
# link weft's TSan mode (weft::tsan), so that a race ThreadSanitizer sees in
# plain memory (ints, std::vector, anything) becomes a weft DataRace failure
# with a replay token. weft itself stays uninstrumented. Use clang (Debian:
# clang and libclang-rt-14-dev); one target per executable, since the
# sanitizer runtime is linked into the executable.
function(weft_tsan target)
  if(NOT TARGET weft::tsan)
    message(FATAL_ERROR "weft_tsan(${target}): weft::tsan is not defined (add weft first)")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(WARNING "weft_tsan(${target}): weft's ThreadSanitizer mode is tested with clang, "
                    "not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  target_link_libraries(${target} PRIVATE weft::tsan)
endfunction()

# weft_tsan_supported(<variable>): set <variable> to whether this compiler
# builds and links a ThreadSanitizer program (clang with its runtime
# installed, say).
function(weft_tsan_supported variable)
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS -fsanitize=thread)
  set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=thread)
  check_cxx_source_compiles("int main() { return 0; }" WEFT_TSAN_LINKS)
  set(${variable} ${WEFT_TSAN_LINKS} PARENT_SCOPE)
endfunction()
