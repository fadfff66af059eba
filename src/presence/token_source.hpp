// Unguessable-enough tokens for SIP-ETags and dialog tags: a SplitMix64
// stream from a seed (std::random_device when the seed is 0; tests pass a
// fixed one so their output is stable). Not a secret: RFC 3261 §19.3 asks
// tags for global uniqueness, RFC 3903 ETags only for uniqueness per
// resource. Owned by the table that issues them. Thread: core.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace parley::presence {

class TokenSource {
 public:
  explicit TokenSource(std::uint64_t seed = 0) : state_(seed ? seed : random_seed()) {}

  // 16 lower-case hex digits.
  std::string next() {
    state_ += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, z >>= 4) out[static_cast<std::size_t>(i)] = kHex[z & 0xF];
    return out;
  }

 private:
  static std::uint64_t random_seed() {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^ 1u;
  }
  std::uint64_t state_;
};

}  // namespace parley::presence
