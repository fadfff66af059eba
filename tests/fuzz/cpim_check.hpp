// The invariants of the message/cpim decoder (RFC 3862) and of
// chat::message_text(), shared by the libFuzzer target (cpim_fuzz.cpp) and
// the unit test that replays the committed corpus and crash regressions.
// nullopt when every invariant holds, otherwise which one broke.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "chat/cpim.hpp"
#include "chat/message_text.hpp"

namespace parley::chat::fuzz {

inline std::optional<std::string> check_cpim_input(std::string_view bytes) {
  const CpimLimits limits;
  const auto decoded = decode_cpim(bytes, limits);
  if (decoded.ok()) {
    const CpimMessage& m = decoded.value();
    if (m.body.size() > limits.max_size) return "body above the size limit";
    if (m.from.uri.empty() || m.from.uri.find_first_of("<> \t\r\n") != std::string::npos) {
      return "accepted a malformed From URI";
    }
    // What Parley encodes from a decoded message decodes to the same thing.
    const auto again = decode_cpim(encode_cpim(m), CpimLimits{1 << 20, 64, 1 << 20});
    if (!again.ok()) return "re-encoded message does not decode: " + again.error().reason;
    if (again->body != m.body) return "body changed in a round trip";
    if (again->from.uri != m.from.uri || again->to.uri != m.to.uri) return "URI changed";
    if (again->datetime_ms != m.datetime_ms) return "DateTime changed in a round trip";
  } else if (decoded.error().reason.empty()) {
    return "error without a reason";
  }
  const ChatLimits chat;
  const auto text = message_text("message/cpim", bytes, chat);
  if (text.ok() && (text->empty() || text->size() > chat.max_message_bytes)) {
    return "message_text accepted an empty or too large text";
  }
  return std::nullopt;
}

}  // namespace parley::chat::fuzz
