#include "web/web_crypto.hpp"

#include <sodium.h>

#include <stdexcept>

#include "base/strings.hpp"

namespace parley::web::crypto {

namespace {

void ensure_sodium() {
  // sodium_init is idempotent and thread-safe; -1 means no usable randomness,
  // which is a start-up failure, not an input error.
  static const int rc = sodium_init();
  if (rc < 0) throw std::runtime_error("libsodium initialisation failed");
}

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes_of(bytes), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the encoded length counts the terminating NUL
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  ensure_sodium();
  std::string out(text.size() * 3 / 4 + 1, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  if (end != text.data() + text.size()) return std::nullopt;  // trailing garbage
  out.resize(len);
  // libsodium ignores non-zero bits in the last character; refuse them so one
  // value has exactly one spelling (a signature compared as text stays unique).
  if (base64url_encode(out) != text) return std::nullopt;
  return out;
}

std::string sha256(std::string_view data) {
  ensure_sodium();
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()), bytes_of(data), data.size());
  return digest;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  ensure_sodium();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, bytes_of(key), key.size());
  crypto_auth_hmacsha256_update(&state, bytes_of(data), data.size());
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(mac.data()));
  sodium_memzero(&state, sizeof state);
  return mac;
}

std::string random_bytes(std::size_t n) {
  ensure_sodium();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace parley::web::crypto
