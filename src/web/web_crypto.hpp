// The few cryptographic primitives the browser API needs (protocol/api.md):
// base64url without padding, SHA-256 in lower-case hex, HMAC-SHA-256, random
// bytes and constant-time comparison, all from libsodium. Stateless free
// functions. Thread: any.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace parley::web::crypto {

inline constexpr std::size_t kHmacBytes = 32;

std::string base64url_encode(std::string_view bytes);
// nullopt for anything that is not canonical unpadded base64url.
std::optional<std::string> base64url_decode(std::string_view text);
// The 32 raw bytes of SHA-256(data).
std::string sha256(std::string_view data);
// Lower-case hex of SHA-256(data).
std::string sha256_hex(std::string_view data);
// The 32 raw bytes of HMAC-SHA-256(key, data); any key length.
std::string hmac_sha256(std::string_view key, std::string_view data);
// `n` bytes from the system's CSPRNG.
std::string random_bytes(std::size_t n);
// Equal sizes and equal bytes, in time independent of where they differ.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace parley::web::crypto
