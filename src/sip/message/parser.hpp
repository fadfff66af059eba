// Sans-I/O SIP parser (RFC 3261 §7, §25; RFC 4475): bytes in, a Message or a
// ParseError out. Every byte is hostile: sizes and counts are bounded, nothing
// recurses on input, nothing throws. Thread: any.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "sip/message/message.hpp"

namespace parley::sip {

struct ParseLimits {
  std::size_t max_message_size = 65535;  // bigger is answered 513
  std::size_t max_headers = 200;
  std::size_t max_line_length = 8192;
  std::size_t max_list_values = 64;      // Via, Contact, Route entries ...
};

struct ParseError {
  // What to answer: 400, 505, 513, 416 ... 0 means drop silently (e.g. a bad response).
  int status = 400;
  std::string reason;
};

// How the bytes arrived: on a datagram transport the body is the rest of the
// datagram when Content-Length is absent (RFC 3261 §18.3); on a stream it is mandatory.
enum class Framing { Datagram, Stream };

Result<Message, ParseError> parse_message(std::string_view bytes, Framing framing,
                                          const ParseLimits& limits = {});
// The same, parsed into `out` (a fresh Message): the transport's hot path,
// where moving the large Message out of a Result costs. On error `out` holds
// whatever was parsed before it and is not to be used.
std::optional<ParseError> parse_message_into(std::string_view bytes, Framing framing,
                                             const ParseLimits& limits, Message& out);

// Standalone parsers for header values, also used by higher layers.
Result<Uri, ParseError> parse_uri(std::string_view text);
Result<NameAddr, ParseError> parse_name_addr(std::string_view text);

}  // namespace parley::sip
