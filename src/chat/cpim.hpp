// Common Presence and Instant Messaging message format (message/cpim, RFC
// 3862): how a room message sent to a SIP device names its original sender
// (the SIP From is the room). Encoding writes what Parley sends; decoding
// reads what a device sends, as hostile input: bounded, no recursion, never
// throws, errors as values. Thread: any.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace parley::chat {

inline constexpr std::string_view kCpimContentType = "message/cpim";

struct CpimAddress {
  std::string display_name;  // Formal-name, quotes and escapes resolved
  std::string uri;           // between < and >
};

struct CpimMessage {
  CpimAddress from;
  CpimAddress to;
  std::optional<std::int64_t> datetime_ms;  // DateTime (RFC 3339) as unix ms
  std::string subject;
  std::string content_type = "text/plain;charset=utf-8";  // of the encapsulated body
  std::string body;
};

struct CpimLimits {
  std::size_t max_size = 70000;  // the whole message/cpim body
  std::size_t max_headers = 32;  // per header block
  std::size_t max_line = 4096;
};

struct CpimError {
  std::string reason;
};

// Values are written without CR, LF or other control characters, so no field
// can start a header of its own.
std::string encode_cpim(const CpimMessage& message);
Result<CpimMessage, CpimError> decode_cpim(std::string_view bytes, const CpimLimits& limits = {});

// RFC 3339 UTC with milliseconds ("2026-11-30T09:45:16.123Z"), and back
// (any offset, optional fraction); nullopt when malformed.
std::string format_datetime(std::int64_t unix_ms);
std::optional<std::int64_t> parse_datetime(std::string_view text);

}  // namespace parley::chat
