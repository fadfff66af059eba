// Replays the PIDF fuzzer's committed seeds and crash regressions through
// the fuzzer's own invariants (tests/fuzz/pidf_check.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../../fuzz/pidf_check.hpp"

namespace parley::presence {
namespace {

int replay(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) return 0;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    auto failure = fuzz::check_pidf_input(bytes.str());
    EXPECT_FALSE(failure.has_value()) << entry.path() << ": " << failure.value_or("");
    ++files;
  }
  return files;
}

TEST(PidfCorpus, SeedsHoldTheInvariants) {
  EXPECT_GT(replay(std::filesystem::path(PARLEY_SOURCE_DIR) / "tests/fuzz/corpus/pidf"), 0);
}

TEST(PidfCorpus, CrashRegressionsHoldTheInvariants) {
  replay(std::filesystem::path(PARLEY_SOURCE_DIR) / "tests/fuzz/regressions/pidf");
}

}  // namespace
}  // namespace parley::presence
