// Replays the fuzzer's committed seed corpus and every crash regression
// through the fuzzer's own invariants (tests/fuzz/sip_parser_check.hpp).
#include <gtest/gtest.h>

#include <filesystem>

#include "../../../fuzz/sip_parser_check.hpp"
#include "vectors.hpp"

namespace parley::sip {
namespace {

void replay(const std::filesystem::path& dir, bool must_exist) {
  if (!std::filesystem::is_directory(dir)) {
    EXPECT_FALSE(must_exist) << dir << " missing";
    return;
  }
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
    auto bytes = test::read_file(entry.path());
    ASSERT_TRUE(bytes.has_value()) << entry.path();
    auto failure = fuzz::check_input(*bytes);
    EXPECT_FALSE(failure.has_value()) << entry.path() << ": " << failure.value_or("");
    ++files;
  }
  if (must_exist) {
    EXPECT_GT(files, 0) << dir;
  }
}

TEST(FuzzCorpus, SeedsHoldTheInvariants) {
  replay(std::filesystem::path(PARLEY_SOURCE_DIR) / "tests/fuzz/corpus/sip_parser", true);
}

TEST(FuzzCorpus, CrashRegressionsHoldTheInvariants) {
  replay(std::filesystem::path(PARLEY_SOURCE_DIR) / "tests/fuzz/regressions/sip_parser", false);
}

TEST(FuzzCorpus, Rfc4475MessagesHoldTheInvariants) {
  std::filesystem::path dir = test::rfc4475_dir();
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "RFC 4475 vectors not found at " << dir;
  replay(dir, true);
}

}  // namespace
}  // namespace parley::sip
