// Semantic checks of a parsed message that the grammar alone does not catch
// (RFC 3261 §8.2.2, §8.1.3.3; RFC 4475 §3.1.2, §3.3.1): mandatory headers and
// the CSeq method. Run by the transaction/transport layer after parse_message.
// Thread: any (pure functions).
#pragma once

#include <optional>

#include "sip/message/message.hpp"
#include "sip/message/parser.hpp"

namespace parley::sip {

// nullopt when the request may be processed; otherwise what to answer (400).
std::optional<ParseError> validate_request(const Message& m);
// nullopt when the response may be processed; otherwise status 0 (drop it).
std::optional<ParseError> validate_response(const Message& m);
// Either of the above, by kind.
std::optional<ParseError> validate(const Message& m);

}  // namespace parley::sip
