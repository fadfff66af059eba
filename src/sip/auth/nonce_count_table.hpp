// Highest nonce-count seen per nonce (RFC 7616 §3.4 "nc", RFC 2617 §3.2.2):
// a request that repeats or lowers nc for a nonce is a replay. Bounded, so a
// flood of nonces cannot grow it: the oldest entry is evicted first, and a
// nonce issued no later than an evicted one is "forgotten" (the caller sends
// a stale challenge rather than risk accepting a replay). Owned by the
// DigestAuthenticator. Thread: core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sip/auth/nonce_issuer.hpp"

namespace parley::sip::auth {

enum class NonceCountVerdict : std::uint8_t { Fresh, Replay, Forgotten };

class NonceCountTable {
 public:
  // Default sized for 100k clients each holding one nonce at a time.
  static constexpr std::size_t kDefaultCapacity = 131072;

  explicit NonceCountTable(std::size_t capacity = kDefaultCapacity);

  // Judges nc without recording it: only verified requests are recorded, so
  // a forged request cannot burn a client's counts.
  NonceCountVerdict judge(const NonceCheck& nonce, std::uint32_t nc) const;
  void record(const NonceCheck& nonce, std::uint32_t nc);

  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct KeyHash {
    std::size_t operator()(const NonceKey& k) const { return k.hi ^ (k.lo * 0x9e3779b97f4a7c15ull); }
  };
  struct Entry {
    std::uint32_t highest_nc = 0;
    std::int64_t issued_ms = 0;
  };
  void evict_one();

  std::size_t capacity_;
  std::unordered_map<NonceKey, Entry, KeyHash> entries_;
  std::vector<NonceKey> order_;  // ring of keys in insertion order
  std::size_t next_ = 0;         // ring slot of the next insertion (and oldest entry when full)
  std::int64_t forgotten_up_to_ms_;
};

}  // namespace parley::sip::auth
