// The invariants the SIP parser fuzzer enforces, shared with the unit test
// that replays the committed corpus and crash regressions. Thread: any.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sip/message/parser.hpp"
#include "sip/message/response_builder.hpp"
#include "sip/message/serializer.hpp"
#include "sip/message/validator.hpp"

namespace parley::sip::fuzz {

// Re-parsing our own output: sizes grow (folds joined, compact names
// expanded, lists written one value per line), so the limits are relaxed.
inline ParseLimits relaxed_limits() {
  ParseLimits l;
  l.max_message_size = SIZE_MAX / 4;
  l.max_headers = SIZE_MAX / 4;
  l.max_line_length = SIZE_MAX / 4;
  return l;
}

// Serializing a parsed message and parsing it back must succeed and give
// the same message; nullopt when it does.
inline std::optional<std::string> check_round_trip(const Message& m) {
  std::string wire = serialize(m);
  auto again = parse_message(wire, Framing::Stream, relaxed_limits());
  if (!again.ok()) return "re-parse failed: " + again.error().reason;
  if (serialize(*again) != wire) return std::string("second serialization differs");
  if (again->body != m.body) return std::string("body differs");
  if (again->vias.size() != m.vias.size() || again->contacts.size() != m.contacts.size() ||
      again->headers.size() != m.headers.size()) {
    return std::string("header counts differ");
  }
  if (m.is_request()) {
    auto r = parse_message(serialize(make_response(m, 400)), Framing::Stream, relaxed_limits());
    if (!r.ok()) return "response to the request does not parse: " + r.error().reason;
  }
  return std::nullopt;
}

// Everything the fuzzer does with one input; nullopt when every invariant holds.
inline std::optional<std::string> check_input(std::string_view bytes) {
  for (Framing f : {Framing::Datagram, Framing::Stream}) {
    auto r = parse_message(bytes, f);
    if (r.ok()) {
      (void)validate(*r);
      if (auto e = check_round_trip(*r)) return e;
    } else {
      const ParseError& e = r.error();
      if (e.status != 0 && (e.status < 400 || e.status > 599)) return std::string("bad status");
      (void)make_error_response(bytes, e);
    }
  }
  (void)parse_uri(bytes);
  (void)parse_name_addr(bytes);
  return std::nullopt;
}

}  // namespace parley::sip::fuzz
