# Every dependency comes from a Debian package (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS system json)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
# mimalloc replaces glibc's malloc in the server binary only: on the SIP
# REGISTER path (~90 small allocations a call, many freed on another thread)
# it measured ~4% less CPU per call and 872 instead of 1,027 bytes per
# registered contact (bench/RESULTS.md). Sanitizer builds keep their own.
if(PARLEY_MIMALLOC)
  find_package(mimalloc 2.0 CONFIG REQUIRED)
endif()
find_package(GTest REQUIRED)
include(GoogleTest)

# Where the shared test vectors live (CI has ../shared beside the checkout).
get_filename_component(PARLEY_SHARED_DIR "${PROJECT_SOURCE_DIR}/../shared" ABSOLUTE)
