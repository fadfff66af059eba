#include "app/lib/allocator.hpp"

#include <dlfcn.h>

#include <fmt/format.h>

namespace parley::app {

std::string allocator_in_use() {
  // Looked up at run time rather than decided at build time: the log then
  // says what the process really runs with, LD_PRELOAD included.
  using Version = int (*)();
  auto version = reinterpret_cast<Version>(::dlsym(RTLD_DEFAULT, "mi_version"));
  if (version == nullptr) return "glibc";
  const int v = version();  // e.g. 209 for 2.0.9
  return fmt::format("mimalloc {}.{}.{}", v / 100, (v / 10) % 10, v % 10);
}

}  // namespace parley::app
