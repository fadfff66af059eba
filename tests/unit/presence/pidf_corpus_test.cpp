// Replays the PIDF fuzzer's committed seeds and crash regressions through
// the fuzzer's own invariants (tests/fuzz/pidf_check.hpp).
#include <gtest/gtest.h>

#include <filesystem>

#include "../../fuzz/corpus_replay.hpp"
#include "../../fuzz/pidf_check.hpp"

namespace parley::presence {
namespace {

int replay(const std::filesystem::path& dir) {
  auto result =
      parley::fuzz::replay_corpus(dir, [](const std::string& bytes) { return fuzz::check_pidf_input(bytes); });
  for (const auto& failure : result.failures) ADD_FAILURE() << failure;
  return result.files;
}

TEST(PidfCorpus, SeedsHoldTheInvariants) {
  EXPECT_GT(replay(std::filesystem::path(PARLEY_SOURCE_DIR) / "tests/fuzz/corpus/pidf"), 0);
}

TEST(PidfCorpus, CrashRegressionsHoldTheInvariants) {
  replay(std::filesystem::path(PARLEY_SOURCE_DIR) / "tests/fuzz/regressions/pidf");
}

}  // namespace
}  // namespace parley::presence
