// Replays a committed fuzz corpus (or crash regressions) folder through a
// fuzzer's invariant check, for the unit tests: every regular file's bytes
// go to `check`, which returns an error text or nothing. Thread: test.
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace parley::fuzz {

struct CorpusReplay {
  int files = 0;
  std::vector<std::string> failures;  // "path: what broke"
};

template <typename Check>
CorpusReplay replay_corpus(const std::filesystem::path& dir, Check check) {
  CorpusReplay out;
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename().string().front() == '.') continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (std::optional<std::string> failure = check(bytes.str())) {
      out.failures.push_back(entry.path().string() + ": " + *failure);
    }
    ++out.files;
  }
  return out;
}

}  // namespace parley::fuzz
