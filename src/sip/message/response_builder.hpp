// Builds responses to requests (RFC 3261 §8.2.6): from a parsed request for
// the stack's own answers, and from raw bytes that failed to parse, for the
// stateless 400/505/513 the transport sends. Thread: any (pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sip/message/message.hpp"
#include "sip/message/parser.hpp"

namespace parley::sip {

// The standard reason phrase of RFC 3261 §21 and its extensions; "" if unknown
// (then the class phrase: "Unknown Success" etc. is not invented).
std::string_view default_reason(int status);

// Copies every Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2), and
// Timestamp into a 100 (§8.2.6.1). The caller adds a To tag when it answers as
// a UAS or stateless element and the request had none.
Message make_response(const Message& request, int status, std::string_view reason = {});
// The same from a request that is not needed afterwards: its Via, From, To,
// Call-ID and CSeq are moved into the response rather than copied.
Message make_response(Message&& request, int status, std::string_view reason = {});

// For bytes parse_message refused: scans the header lines leniently (Via,
// From, To, Call-ID, CSeq copied as they came) and returns the wire text of a
// response with err.status. nullopt when the bytes are a response, carry no
// Via, or err.status is 0.
std::optional<std::string> make_error_response(std::string_view raw_bytes, const ParseError& err);

}  // namespace parley::sip
