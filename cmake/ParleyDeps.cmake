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
find_package(GTest REQUIRED)
include(GoogleTest)

# Where the shared test vectors live (CI has ../shared beside the checkout).
get_filename_component(PARLEY_SHARED_DIR "${PROJECT_SOURCE_DIR}/../shared" ABSOLUTE)
