# weft_discover_tests(<target> [SHARDS n] [gtest_discover_tests options...])
#
# Registers the GoogleTest tests of <target> with CTest, as
# gtest_discover_tests does. With SHARDS n (n > 1) every test is registered
# n times, as <test>.shard0 ... <test>.shard<n-1>, each run with
# GTEST_TOTAL_SHARDS=n and GTEST_SHARD_INDEX=i: a WEFT_TEST explores its part
# i of n on each (ctest -j runs the parts in parallel, and their counts add
# up to the whole exploration's), and a plain GoogleTest test runs on one of
# them (docs/writing-tests.md#ci-shards).
include_guard(GLOBAL)
include(GoogleTest)

function(weft_discover_tests target)
  cmake_parse_arguments(WEFT "" "SHARDS" "" ${ARGN})
  if(NOT WEFT_SHARDS)
    set(WEFT_SHARDS 1)
  endif()
  if(NOT WEFT_SHARDS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "weft_discover_tests(${target} SHARDS ${WEFT_SHARDS}): SHARDS takes a number of shards, 1 or more")
  endif()
  if(WEFT_SHARDS EQUAL 1)
    gtest_discover_tests(${target} ${WEFT_UNPARSED_ARGUMENTS})
    return()
  endif()
  if(CMAKE_VERSION VERSION_LESS 3.22)
    message(FATAL_ERROR "weft_discover_tests(${target} SHARDS ${WEFT_SHARDS}) needs CMake 3.22 or later "
                        "(ENVIRONMENT_MODIFICATION)")
  endif()
  math(EXPR last "${WEFT_SHARDS} - 1")
  foreach(i RANGE ${last})
    # One variable per property: gtest_discover_tests splits a list value.
    gtest_discover_tests(${target} TEST_SUFFIX ".shard${i}" ${WEFT_UNPARSED_ARGUMENTS}
                         PROPERTIES ENVIRONMENT "GTEST_TOTAL_SHARDS=${WEFT_SHARDS}"
                                    ENVIRONMENT_MODIFICATION "GTEST_SHARD_INDEX=set:${i}")
  endforeach()
endfunction()
