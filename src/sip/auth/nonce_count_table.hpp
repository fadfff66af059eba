// Highest nonce-count seen per nonce (RFC 7616 §3.4 "nc", RFC 2617 §3.2.2):
// a request that repeats or lowers nc for a nonce is a replay. Bounded, so a
// flood of nonces cannot grow it: the oldest entry is evicted first, and a
// nonce issued no later than an evicted one is "forgotten" (the caller sends
// a stale challenge rather than risk accepting a replay). A request answered
// without a server transaction (REGISTER, RFC 3261 §8.2.7) comes again when
// its response is lost; the same request (same fingerprint) with the same
// count within a transaction's lifetime is that retransmission, not a replay,
// and is answered again as the transaction layer would have. Owned by the
// DigestAuthenticator. Thread: core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "sip/auth/nonce_issuer.hpp"

namespace parley::sip::auth {

enum class NonceCountVerdict : std::uint8_t { Fresh, Replay, Forgotten, Retransmission };

class NonceCountTable {
 public:
  // Default sized for 100k clients each holding one nonce at a time.
  static constexpr std::size_t kDefaultCapacity = 131072;
  // How long a request may come again with the count it was accepted with:
  // a non-INVITE server transaction's lifetime over UDP (64*T1, Timer J).
  static constexpr std::int64_t kRetransmissionWindowMs = 32000;

  explicit NonceCountTable(std::size_t capacity = kDefaultCapacity);

  // Judges nc without recording it: only verified requests are recorded, so
  // a forged request cannot burn a client's counts.
  // `request` fingerprints the request (0: none, so never a retransmission);
  // `now_ms` is on the nonce's clock (NonceCheck::issued_ms).
  NonceCountVerdict judge(const NonceCheck& nonce, std::uint32_t nc, std::uint64_t request = 0,
                          std::int64_t now_ms = 0) const;
  void record(const NonceCheck& nonce, std::uint32_t nc, std::uint64_t request = 0,
              std::int64_t now_ms = 0);

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }

 private:
  // Open addressing with linear probing in one calloc'd array: a lookup is
  // one cache miss and no allocation, where a node-based map took a node
  // per nonce and several misses per eviction. Pages are touched only as
  // slots fill, so an idle server does not pay for the capacity.
  struct Slot {
    NonceKey key;
    std::uint32_t highest_nc;
    std::uint32_t used;          // 0: empty
    std::int64_t issued_ms;
    std::uint64_t request;       // fingerprint of the request that brought highest_nc
    std::int64_t accepted_ms;    // when it did
  };
  struct FreeSlots {
    void operator()(Slot* p) const;
  };
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  std::size_t home(const NonceKey& k) const;
  std::size_t find(const NonceKey& k) const;  // slot index or kNone
  void erase(std::size_t slot);
  void evict_one();

  std::size_t capacity_;
  std::size_t slot_count_;       // capacity * 1.5: probes stay short
  std::unique_ptr<Slot[], FreeSlots> slots_;
  std::size_t size_ = 0;
  std::vector<NonceKey> order_;  // ring of keys in insertion order
  std::size_t next_ = 0;         // ring slot of the next insertion (and oldest entry when full)
  std::int64_t forgotten_up_to_ms_;
};

}  // namespace parley::sip::auth
