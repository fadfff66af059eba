# Warnings are errors everywhere: a warning is a bug report nobody reads.
add_library(parley_warnings INTERFACE)
target_compile_options(parley_warnings INTERFACE -Wall -Wextra -Werror -Wno-missing-field-initializers)
# GCC 12's -Wrestrict misfires at -O3 on `"literal" + std::string` inside
# libstdc++ itself, a known false positive of GCC 12 fixed in 13: Debian 12's gcc 12.2.0-14
# fails the release build on it in several files. Only that compiler skips it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(parley_warnings INTERFACE -Wno-restrict)
endif()
