// RFC 3261 §18.2.1 / RFC 3581 on receipt and §18.2.2 on reply: stamp the top
// Via of a received request with received/rport, and find where a response
// goes from its top Via. Sans-I/O free functions. Thread: any.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sip/message/message.hpp"
#include "sip/transport/transport_types.hpp"

namespace parley::sip::transport {

// Adds `received=` when the sent-by host is not the source address, and both
// `received=` and `rport=` when the Via carries an empty rport (RFC 3581 §4).
void stamp_received(Message& request, std::string_view source_ip, std::uint16_t source_port);

// §18.2.2: reliable with an open connection: that flow; otherwise the
// `received` address (else sent-by host) and the `rport` (else sent-by port,
// else 5060/5061). Empty when the top Via is missing or its transport unknown.
std::optional<Target> response_target(const Message& response, FlowId flow = 0);

// The error to answer to bytes that did not parse (RFC 3261 §8.2, §21.4.15),
// or nothing for responses, ACK, status 0 or bytes without a Via: sip::
// make_error_response plus the rule that an ACK is never answered.
std::optional<std::string> stateless_error_reply(std::string_view raw, const ParseError& error);

}  // namespace parley::sip::transport
