// Header rules shared by the PUBLISH and SUBSCRIBE handlers: the Event header
// (RFC 6665 §8.2.1, §7.2.1), Content-Type and Accept for PIDF (RFC 3856 §6.7).
// Pure functions. Thread: any.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sip/message/message.hpp"

namespace parley::presence {

inline constexpr std::string_view kPresenceEvent = "presence";

struct EventHeader {
  std::string package;  // event-type token, compared case-sensitively (RFC 6665 §8.2.1)
  std::string id;       // the ;id parameter, "" when absent
};

// nullopt when the request has no Event header or an empty one.
std::optional<EventHeader> parse_event(const sip::Message& m);

// "application/pidf+xml" with any parameters, case-insensitive.
bool is_pidf(std::string_view content_type);

// RFC 3856 §6.7: no Accept header means application/pidf+xml; otherwise one
// of the listed types must be it or a wildcard covering it.
bool accepts_pidf(const sip::Message& m);

}  // namespace parley::presence
