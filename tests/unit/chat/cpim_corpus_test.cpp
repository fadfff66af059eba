// Replays the CPIM fuzzer's committed seeds and crash regressions through
// the fuzzer's own invariants (tests/fuzz/cpim_check.hpp).
#include <gtest/gtest.h>

#include <filesystem>

#include "../../fuzz/corpus_replay.hpp"
#include "../../fuzz/cpim_check.hpp"

namespace parley::chat {
namespace {

int replay(const std::filesystem::path& dir) {
  auto result =
      parley::fuzz::replay_corpus(dir, [](const std::string& bytes) { return fuzz::check_cpim_input(bytes); });
  for (const auto& failure : result.failures) ADD_FAILURE() << failure;
  return result.files;
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
