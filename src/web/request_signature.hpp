// Canonical strings and HMAC-SHA-256 signatures of signed HTTP requests and
// WebSocket frames (protocol/api.md "Signing HTTP requests", "Frames from the
// browser"). Sans-I/O pure functions; the order of checks and the session
// state live in web::Api. Thread: any.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace parley::web {

// The four X-Parley-* values of one signed request (or of the WebSocket
// upgrade's query), as sent.
struct SignedFields {
  std::string_view session;
  std::string_view timestamp;
  std::string_view nonce;
  std::string_view signature;

  bool complete() const {
    return !session.empty() && !timestamp.empty() && !nonce.empty() && !signature.empty();
  }
};

// "PARLEY-HMAC-SHA256\n<METHOD>\n<target>\n<timestamp>\n<nonce>\n<hex sha256(body)>";
// the method is upper-cased, everything else is used exactly as given.
std::string http_canonical_string(std::string_view method, std::string_view target,
                                  std::string_view timestamp, std::string_view nonce,
                                  std::string_view body);
// "PARLEY-WS\n<session id>\n<seq>\n<hex sha256(json)>".
std::string ws_canonical_string(std::string_view session_id, std::string_view seq,
                                std::string_view json);
// base64url (no padding) of HMAC-SHA-256(key, canonical); `key` is raw bytes.
std::string sign_canonical(std::string_view key, std::string_view canonical);
// True when `signature` is the signature of `canonical` under `key`; compares
// the MACs in constant time and refuses any other spelling of the value.
bool verify_signature(std::string_view key, std::string_view canonical,
                      std::string_view signature);

// One browser frame "<seq> <sig> <json>" split into its fields (views into
// the text). seq is 1 to 2^53-1 in canonical decimal, sig 43 characters,
// json non-empty.
struct WsFrame {
  std::string_view seq_text;  // as signed
  std::uint64_t seq = 0;
  std::string_view signature;
  std::string_view json;
};
struct WsFrameError {
  std::optional<std::uint64_t> seq;  // when the seq field itself was valid
};
std::variant<WsFrame, WsFrameError> parse_ws_frame(std::string_view text);

// A timestamp or seq field: decimal digits only, no sign, no leading zero,
// at most `max`. nullopt otherwise.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max);

}  // namespace parley::web
