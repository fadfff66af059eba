// Digest hashing (RFC 2617, RFC 8760): MD5 and SHA-256, lower-case hex.
// The store keeps HA1 = H(username:realm:password) per algorithm, never the
// password. Thread: any.
#pragma once

#include <string>
#include <string_view>

namespace parley::sip::auth {

enum class Algorithm { Md5, Sha256 };

std::string_view to_string(Algorithm a);  // "MD5", "SHA-256"
std::string digest_hex(Algorithm a, std::string_view data);
std::string compute_ha1(Algorithm a, std::string_view username, std::string_view realm,
                        std::string_view password);

}  // namespace parley::sip::auth
