# weft's own build links with LLVM's lld when the compiler can use it: weft
# links well over a hundred executables (a test binary and a driver per C
# program, each with the whole static library and its debug information),
# and lld does each in about a third of the time of the default linker,
# which is minutes of every CI run. Only for weft as the top-level project:
# a project that adds weft with add_subdirectory keeps its own linker.
# -DWEFT_LLD=OFF keeps the default linker.
include(CheckLinkerFlag)

option(WEFT_LLD "Link weft's own targets with lld when it is available" ${PROJECT_IS_TOP_LEVEL})
if(WEFT_LLD)
  check_linker_flag(CXX "-fuse-ld=lld" WEFT_HAS_LLD)
  if(WEFT_HAS_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()
