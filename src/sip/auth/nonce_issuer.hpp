// Stateless, client-bound Digest nonces (RFC 7616 §3.3 "nonce" and §5.4).
// A nonce is hex(issue time | random | MAC(key, time|random|client)), the
// MAC 128 bits of SipHash-2-4, so verifying needs no table: recompute the
// MAC for the client the request came from. The key is random per process,
// so nonces die with a restart (clients just get a stale challenge). Owned by
// the DigestAuthenticator. Thread: core.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.hpp"

namespace parley::sip::auth {

enum class NonceStatus : std::uint8_t { Valid, Stale, Invalid };

// Identifies one nonce compactly (its MAC), for the nonce-count table.
struct NonceKey {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  bool operator==(const NonceKey&) const = default;
};

struct NonceCheck {
  NonceStatus status = NonceStatus::Invalid;
  NonceKey key;
  std::int64_t issued_ms = 0;  // steady-clock milliseconds of issue
};

class NonceIssuer {
 public:
  static constexpr std::size_t kNonceLength = 64;  // hex characters

  // Draws a fresh random secret; throws std::runtime_error if no randomness
  // is available (a start-up failure).
  explicit NonceIssuer(Seconds lifetime);
  // A fixed secret, for tests and for nodes that must share nonces.
  NonceIssuer(Seconds lifetime, std::string_view secret);
  ~NonceIssuer();
  NonceIssuer(const NonceIssuer&) = delete;
  NonceIssuer& operator=(const NonceIssuer&) = delete;

  // `client` is whatever the caller binds nonces to (Parley uses the source
  // IP address: ports change on TCP reconnects and NAT rebinding).
  std::string issue(std::string_view client, TimePoint now);
  NonceCheck check(std::string_view nonce, std::string_view client, TimePoint now);

  Seconds lifetime() const { return lifetime_; }

 private:
  void init(std::string_view secret);
  // Writes the 16-byte MAC of head (16 bytes) and client.
  void tag(const unsigned char* head, std::string_view client, unsigned char* out) const;

  // The 8 random bytes of the next nonce, from a pool drawn in bulk: one
  // RAND_bytes per nonce cost as much as its MAC.
  void next_random(unsigned char* out);

  Seconds lifetime_;
  std::array<unsigned char, 16> key_{};  // SipHash key, derived from the secret
  std::array<unsigned char, 512> pool_{};
  std::size_t pool_used_ = 512;  // all used: refill on the first nonce
};

}  // namespace parley::sip::auth
