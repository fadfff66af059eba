// The invariants of the PIDF decoder, shared by the libFuzzer target and the
// unit test that replays the committed corpus and crash regressions:
// accepted documents respect the note limit and survive our own encoder and
// decoder unchanged. Returns what is wrong, or nullopt. Thread: any.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "presence/pidf.hpp"

namespace parley::presence::fuzz {

inline std::optional<std::string> check_pidf_input(std::string_view body) {
  auto doc = decode_pidf(body);
  if (!doc) return std::nullopt;  // refusing is always fine
  if (doc->note.size() > kMaxNoteBytes) return "note longer than the limit";
  PresenceState state = device_state(*doc);
  auto again = decode_pidf(encode_pidf(doc->entity, state));
  if (!again) return "our own encoding does not decode: " + again.error().reason;
  if (again->entity != doc->entity) return "entity changed in the round trip";
  if (device_state(*again) != state) {
    return "state changed in the round trip: note [" + state.note + "] became [" +
           device_state(*again).note + "]";
  }
  return std::nullopt;
}

}  // namespace parley::presence::fuzz
