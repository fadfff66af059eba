#include "sip/auth/nonce_issuer.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace parley::sip::auth {

namespace {

constexpr std::size_t kHeadBytes = 16;  // 8 bytes time, 8 bytes random
constexpr std::size_t kTagBytes = crypto_shorthash_siphashx24_BYTES;  // 16
// Client texts up to this long are MACed in one pass with the head; the
// source IP addresses Parley binds to are at most 45 characters.
constexpr std::size_t kInlineClient = 64;
constexpr std::size_t kRawBytes = kHeadBytes + kTagBytes;
// A nonce stamped this far in the future is forged or from another clock.
constexpr std::int64_t kFutureSlackMs = 2000;

std::int64_t to_ms(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}

void put_u64(unsigned char* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<unsigned char>(v & 0xff);
    v >>= 8;
  }
}

std::uint64_t get_u64(const unsigned char* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // nonces are issued lower-case; anything else is not ours
}

bool from_hex(std::string_view text, unsigned char* out, std::size_t n) {
  if (text.size() != n * 2) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const int h = hex_value(text[2 * i]);
    const int l = hex_value(text[2 * i + 1]);
    if (h < 0 || l < 0) return false;
    out[i] = static_cast<unsigned char>((h << 4) | l);
  }
  return true;
}

}  // namespace

NonceIssuer::NonceIssuer(Seconds lifetime) : lifetime_(lifetime) {
  unsigned char secret[32];
  if (RAND_bytes(secret, sizeof secret) != 1) {
    throw std::runtime_error("nonce secret: RAND_bytes failed");
  }
  init(std::string_view(reinterpret_cast<const char*>(secret), sizeof secret));
  OPENSSL_cleanse(secret, sizeof secret);
}

NonceIssuer::NonceIssuer(Seconds lifetime, std::string_view secret) : lifetime_(lifetime) {
  init(secret);
}

NonceIssuer::~NonceIssuer() { sodium_memzero(key_.data(), key_.size()); }

void NonceIssuer::init(std::string_view secret) {
  // sodium_init is idempotent and thread-safe; -1 means no usable randomness.
  static const int rc = sodium_init();
  if (rc < 0) throw std::runtime_error("nonce secret: sodium_init failed");
  // A secret of any length becomes the 128-bit SipHash key.
  static_assert(crypto_shorthash_siphashx24_KEYBYTES == 16);
  crypto_generichash(key_.data(), key_.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
}

void NonceIssuer::tag(const unsigned char* head, std::string_view client, unsigned char* out) const {
  // SipHash-2-4 with a 128-bit tag is a keyed PRF made for short inputs: a
  // nonce's MAC costs a few dozen nanoseconds, where HMAC-SHA-256 through
  // OpenSSL's EVP_MAC cost about a tenth of a whole REGISTER exchange.
  unsigned char msg[kHeadBytes + kInlineClient];
  std::memcpy(msg, head, kHeadBytes);
  std::size_t n = kHeadBytes;
  if (client.size() <= kInlineClient) {
    std::memcpy(msg + n, client.data(), client.size());
    n += client.size();
  } else {
    // Longer (never a source address): the client's own MAC stands in for it.
    crypto_shorthash_siphashx24(msg + n, reinterpret_cast<const unsigned char*>(client.data()),
                                client.size(), key_.data());
    n += kTagBytes;
  }
  crypto_shorthash_siphashx24(out, msg, n, key_.data());
}

std::string NonceIssuer::issue(std::string_view client, TimePoint now) {
  unsigned char raw[kRawBytes];
  put_u64(raw, static_cast<std::uint64_t>(to_ms(now)));
  next_random(raw + 8);
  tag(raw, client, raw + kHeadBytes);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(kNonceLength, '0');
  for (std::size_t i = 0; i < kRawBytes; ++i) {
    out[2 * i] = kDigits[raw[i] >> 4];
    out[2 * i + 1] = kDigits[raw[i] & 0xf];
  }
  return out;
}

void NonceIssuer::next_random(unsigned char* out) {
  if (pool_used_ + 8 > pool_.size()) {
    if (RAND_bytes(pool_.data(), static_cast<int>(pool_.size())) != 1) {
      // Uniqueness still holds through the time stamp; the MAC is what matters.
      std::memset(out, 0, 8);
      return;
    }
    pool_used_ = 0;
  }
  std::memcpy(out, pool_.data() + pool_used_, 8);
  pool_used_ += 8;
}

NonceCheck NonceIssuer::check(std::string_view nonce, std::string_view client, TimePoint now) {
  NonceCheck result;
  unsigned char raw[kRawBytes];
  if (!from_hex(nonce, raw, kRawBytes)) return result;
  unsigned char expected[kTagBytes];
  tag(raw, client, expected);
  if (CRYPTO_memcmp(expected, raw + kHeadBytes, kTagBytes) != 0) return result;
  result.key = NonceKey{get_u64(raw + kHeadBytes), get_u64(raw + kHeadBytes + 8)};
  result.issued_ms = static_cast<std::int64_t>(get_u64(raw));
  const std::int64_t age = to_ms(now) - result.issued_ms;
  if (age < -kFutureSlackMs) return result;  // Invalid
  const std::int64_t lifetime_ms = std::chrono::duration_cast<Millis>(lifetime_).count();
  // RFC 7616 §3.3: an expired but genuine nonce earns stale=true, so the
  // client retries with the new nonce without asking the user again.
  result.status = age > lifetime_ms ? NonceStatus::Stale : NonceStatus::Valid;
  return result;
}

}  // namespace parley::sip::auth
