# parley_module(NAME DIR [DEPS ...] [PUBLIC_LIBS ...])
# One static library per src/ module; its link list is the dependency graph of
# DESIGN.md. Sources are every .cpp under DIR (not recursing into folders that
# are modules of their own, which are listed explicitly by the caller).
function(parley_module name)
  cmake_parse_arguments(M "" "DIR" "DEPS;LIBS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${M_DIR}/*.cpp)
  if(NOT srcs)
    # A module with headers only so far.
    add_library(parley_${name} INTERFACE)
    target_include_directories(parley_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(parley_${name} INTERFACE ${M_DEPS} ${M_LIBS})
    return()
  endif()
  add_library(parley_${name} STATIC ${srcs})
  target_include_directories(parley_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(parley_${name} PUBLIC ${M_DEPS} ${M_LIBS} PRIVATE parley_warnings)
endfunction()

# parley_unit_test(NAME DIR DEPS...)
# One GoogleTest executable per tests/unit/<module> folder, run by CTest with
# the label "unit".
function(parley_unit_test name)
  cmake_parse_arguments(T "" "DIR" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${T_DIR}/*.cpp)
  if(NOT srcs)
    return()
  endif()
  add_executable(unit_${name} ${srcs})
  target_link_libraries(unit_${name} PRIVATE ${T_DEPS} GTest::gtest_main GTest::gmock parley_warnings)
  target_compile_definitions(unit_${name} PRIVATE
    PARLEY_SHARED_DIR="${PARLEY_SHARED_DIR}" PARLEY_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(unit_${name} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
endfunction()
