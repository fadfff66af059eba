// Parsed Digest credentials from an Authorization or Proxy-Authorization
// header value (RFC 3261 §22.4, RFC 2617 §3.2.2, RFC 7616 §3.4). The value is
// hostile input: the parser bounds its length and parameter count, never
// recurses and never throws. Plain value type. Thread: any.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace parley::sip::auth {

struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;   // hex, as sent
  std::string algorithm;  // as sent; empty means MD5 (RFC 2617 §3.2.1)
  std::string cnonce;
  std::string opaque;
  std::string qop;        // empty: RFC 2069 style, no nc/cnonce
  std::uint32_t nc = 0;   // parsed from 8 hex digits when qop is present
  std::string nc_text;    // the nc as sent; it enters the response hash verbatim
  bool userhash = false;  // RFC 7616 §3.4.4; not supported by Parley
  bool has_opaque = false;
};

enum class CredentialsError : std::uint8_t {
  NotDigest,  // another scheme (RFC 4475 regaut01): ignore, as if absent
  Malformed,  // Digest, but syntactically broken or missing a required field
};

struct CredentialsLimits {
  std::size_t max_value_length = 4096;
  std::size_t max_params = 32;
  std::size_t max_param_length = 1024;
};

// Parses "Digest name=value, name="quoted", ...". Unknown parameters are
// ignored; a known parameter given twice is malformed.
Result<DigestCredentials, CredentialsError> parse_digest_credentials(
    std::string_view value, const CredentialsLimits& limits = {});

}  // namespace parley::sip::auth
