# weft_add_program_test: an unmodified C or C++ program with its own main as
# a weft test (docs/c-programs.md).
#
#   weft_add_program_test(NAME <name> SOURCES <file>...
#                         [EXPECT <FailureKind>]      # e.g. DataRace; default: no failure
#                         [EXIT_STATUS <n>]           # the status the program exits with when it works
#                                                     # (default 0); any other is an AssertionFailed
#                         [ITERATIONS <n>] [SEED <n>] [STRATEGY random|pct|pct:<d>|dpor|pos|surw|rff|portfolio] [MAX_STEPS <n>]
#                         [NO_RACE_DETECTION]
#                         [NO_MEMORY_ACCESSES]        # plain loads and stores are no scheduling points
#                         [ARGS <argument>...]        # argv[1..] of the program's main
#                         [LINK_LIBRARIES <lib>...]   # what the program itself links
#                         [COMPILE_DEFINITIONS <def>...] [COMPILE_OPTIONS <option>...]  # for the program
#                         [ABORT_IS_ASSUME]           # abort() discards the execution, as a failed assumption
#                         [ENDLESS_NO_VERDICT]        # a path reaching the step budget is discarded, not a Hang
#                         [STUB_UNDEFINED]            # functions nothing defines return nondet values
#                         [NONDET_DOMAIN <n>]         # __VERIFIER_nondet_* integers take n small values
#                         [VERIFY]                    # all four (domain 4 unless given), strategy dpor:
#                                                     # the driver's verdict is "true" only for a full search
#                         [NO_TEST])                  # build only, add no ctest test
#
# builds the program as a shared object, <name>_program, and a driver
# executable, <name>, that explores the program's main under weft (every
# execution from a fresh copy of the program's globals) and exits 0 when the
# outcome is the expected one. WEFT_REPLAY=<token> ./<name> replays a
# failure; WEFT_SEED, WEFT_ITERATIONS, WEFT_STRATEGY, WEFT_MAX_STEPS and
# WEFT_TRACE_STEPS override the options. Unless NO_TEST, <name> is also a
# ctest test.
#
# The program is compiled at -O0 with assertions on and with debug
# information (-g, whatever the build type: reports read file and line from
# it), see below; the COMPILE_OPTIONS given come after, to override; with
# -finstrument-functions (so that functions
# named __VERIFIER_atomic_* run atomically), with -fsanitize=thread unless
# NO_MEMORY_ACCESSES (the compiler's instrumentation without its runtime:
# every load and store of shared memory becomes a scheduling point and an
# event the race detector sees; other sanitizers are off for the program),
# and linked with -Bsymbolic (its own functions and globals bind to its own
# definitions, never to the driver's) and with -Wl,--wrap for each allocation
# function (its heap is reset with its globals). Everything else comes from the driver at load time: the
# pthread functions of weft::interpose, the SV-COMP functions of
# weft::verifier, exit, abort and __assert_fail, and the allocation functions.
function(weft_add_program_test)
  cmake_parse_arguments(PARSE_ARGV 0 W "NO_RACE_DETECTION;NO_MEMORY_ACCESSES;NO_TEST;ABORT_IS_ASSUME;ENDLESS_NO_VERDICT;STUB_UNDEFINED;VERIFY"
                        "NAME;EXPECT;EXIT_STATUS;ITERATIONS;SEED;STRATEGY;MAX_STEPS;NONDET_DOMAIN"
                        "SOURCES;ARGS;LINK_LIBRARIES;COMPILE_DEFINITIONS;COMPILE_OPTIONS")
  if(NOT W_NAME OR NOT W_SOURCES)
    message(FATAL_ERROR "weft_add_program_test: NAME and SOURCES are required")
  endif()
  if(W_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "weft_add_program_test(${W_NAME}): unknown arguments ${W_UNPARSED_ARGUMENTS}")
  endif()

  set(program ${W_NAME}_program)
  add_library(${program} MODULE ${W_SOURCES})
  set_target_properties(${program} PROPERTIES C_VISIBILITY_PRESET default CXX_VISIBILITY_PRESET default)
  target_include_directories(${program} PRIVATE $<TARGET_PROPERTY:weft::weft,INTERFACE_INCLUDE_DIRECTORIES>)
  # -O0: every load and store of the source is an instruction of its own,
  # so weft can run another thread between the read and the write of
  # `x = x + 1` (from -O1 on, compilers fuse them into one instruction).
  # -UNDEBUG: assert() checks, whatever the build type says.
  # -g: reports name file and line from the line tables, whatever the build
  # type says (Release has none, and every location would be unknown).
  target_compile_options(${program} PRIVATE -O0 -g -UNDEBUG -finstrument-functions)
  if(NOT W_NO_MEMORY_ACCESSES)
    target_compile_options(${program} PRIVATE -fno-sanitize=all -fsanitize=thread)
  endif()
  target_link_options(${program} PRIVATE -Wl,-Bsymbolic)
  # The program's own allocation calls go to the driver's __wrap_<function>
  # (harness/program/heap_calls.cpp), which serve them from a heap reset
  # with its globals before every execution.
  # (The C library's allocation functions and every form of C++ operator
  # new and delete, by mangled name.)
  foreach(function malloc calloc realloc reallocarray free posix_memalign aligned_alloc memalign valloc pvalloc
                   malloc_usable_size strdup strndup getline getdelim asprintf vasprintf
                   _Znwm _Znam _ZnwmRKSt9nothrow_t _ZnamRKSt9nothrow_t _ZnwmSt11align_val_t _ZnamSt11align_val_t
                   _ZnwmSt11align_val_tRKSt9nothrow_t _ZnamSt11align_val_tRKSt9nothrow_t
                   _ZdlPv _ZdaPv _ZdlPvm _ZdaPvm _ZdlPvSt11align_val_t _ZdaPvSt11align_val_t
                   _ZdlPvmSt11align_val_t _ZdaPvmSt11align_val_t _ZdlPvRKSt9nothrow_t _ZdaPvRKSt9nothrow_t
                   _ZdlPvSt11align_val_tRKSt9nothrow_t _ZdaPvSt11align_val_tRKSt9nothrow_t)
    target_link_options(${program} PRIVATE "LINKER:--wrap=${function}")
  endforeach()
  target_compile_definitions(${program} PRIVATE ${W_COMPILE_DEFINITIONS})
  target_compile_options(${program} PRIVATE ${W_COMPILE_OPTIONS})
  target_link_libraries(${program} PRIVATE ${W_LINK_LIBRARIES})

  if(W_VERIFY)
    set(W_ABORT_IS_ASSUME ON)
    set(W_ENDLESS_NO_VERDICT ON)
    set(W_STUB_UNDEFINED ON)
    if(NOT DEFINED W_NONDET_DOMAIN)
      set(W_NONDET_DOMAIN 4)
    endif()
    if(NOT W_STRATEGY)
      set(W_STRATEGY dpor)
    endif()
    if(NOT DEFINED W_ITERATIONS)
      set(W_ITERATIONS 1000000)
    endif()
  endif()
  set(verification "")
  foreach(flag abort_is_assume endless_no_verdict stub_undefined)
    string(TOUPPER ${flag} keyword)
    if(W_${keyword})
      string(APPEND verification "  test.${flag} = true;\n")
    endif()
  endforeach()
  if(DEFINED W_NONDET_DOMAIN)
    if(NOT W_NONDET_DOMAIN MATCHES "^[0-9]+$")
      message(FATAL_ERROR "weft_add_program_test(${W_NAME}): NONDET_DOMAIN must be a number of values")
    endif()
    string(APPEND verification "  test.nondet_domain = ${W_NONDET_DOMAIN};\n")
  endif()

  set(options "weft::Options{}")
  if(DEFINED W_ITERATIONS)
    string(APPEND options ".iterations(${W_ITERATIONS})")
  endif()
  if(DEFINED W_SEED)
    string(APPEND options ".seed(${W_SEED})")
  endif()
  if(DEFINED W_MAX_STEPS)
    string(APPEND options ".max_steps(${W_MAX_STEPS})")
  endif()
  if(W_STRATEGY)
    string(APPEND options ".strategy(weft::Strategy::parse(\"${W_STRATEGY}\"))")
  endif()
  if(W_NO_RACE_DETECTION)
    string(APPEND options ".race_detection(false)")
  endif()
  set(exit_status 0)
  if(DEFINED W_EXIT_STATUS)
    if(NOT W_EXIT_STATUS MATCHES "^[0-9]+$" OR W_EXIT_STATUS GREATER 255)
      message(FATAL_ERROR "weft_add_program_test(${W_NAME}): EXIT_STATUS must be a number from 0 to 255")
    endif()
    set(exit_status ${W_EXIT_STATUS})
  endif()
  set(arguments "")
  foreach(argument IN LISTS W_ARGS)
    if(argument MATCHES "[\"\\\\]")
      message(FATAL_ERROR "weft_add_program_test(${W_NAME}): ARGS may not contain quotes or backslashes")
    endif()
    string(APPEND arguments "\"${argument}\", ")
  endforeach()

  set(driver ${CMAKE_CURRENT_BINARY_DIR}/${W_NAME}_weft_driver.cpp)
  file(GENERATE OUTPUT ${driver} CONTENT
"// Generated by weft_add_program_test(${W_NAME}).
#include <weft/program.h>

int main(int argc, char** argv) {
  weft::program::ProgramTest test;
  test.name = \"${W_NAME}\";
  test.library = \"$<TARGET_FILE:${program}>\";
  test.arguments = {${arguments}};
  test.expect = \"${W_EXPECT}\";
  test.options = ${options};
  test.exit_status = ${exit_status};
${verification}  return weft::program::run_program(test, argc, argv);
}
")
  add_executable(${W_NAME} ${driver})
  target_link_libraries(${W_NAME} PRIVATE weft::program)
  if(TARGET weft::interpose)
    target_link_libraries(${W_NAME} PRIVATE weft::interpose)
  endif()
  add_dependencies(${W_NAME} ${program})
  if(NOT W_NO_TEST)
    add_test(NAME ${W_NAME} COMMAND ${W_NAME})
  endif()
endfunction()
