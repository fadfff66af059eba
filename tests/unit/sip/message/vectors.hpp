// Test helper: reads shared test vectors and regression files. Thread: test.
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace parley::sip::test {

inline std::filesystem::path rfc4475_dir() {
  return std::filesystem::path(PARLEY_SHARED_DIR) / "vectors" / "sip" / "rfc4475";
}

// The whole file, byte-exact, or nullopt when it cannot be read.
inline std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace parley::sip::test
