// Replays the CPIM fuzzer's committed seeds and crash regressions through
// the fuzzer's own invariants (tests/fuzz/cpim_check.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../../fuzz/cpim_check.hpp"

namespace parley::chat {
namespace {

int replay(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir)) return 0;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const auto failure = fuzz::check_cpim_input(bytes.str());
    EXPECT_FALSE(failure.has_value()) << entry.path() << ": " << failure.value_or("");
    ++files;
  }
  return files;
}

TEST(CpimCorpus, SeedsHoldTheInvariants) {
  EXPECT_GT(replay(std::filesystem::path(PARLEY_SOURCE_DIR) / "tests/fuzz/corpus/cpim"), 0);
}

TEST(CpimCorpus, CrashRegressionsHoldTheInvariants) {
  replay(std::filesystem::path(PARLEY_SOURCE_DIR) / "tests/fuzz/regressions/cpim");
}

TEST(CpimCorpus, ValidAndGarbageInputsHold) {
  EXPECT_FALSE(fuzz::check_cpim_input("From: <sip:a@b>\r\n\r\n\r\nx").has_value());
  EXPECT_FALSE(fuzz::check_cpim_input("garbage").has_value());
}

}  // namespace
}  // namespace parley::chat
