// libFuzzer target: the PIDF/RPID decoder and its XML reader (hostile input
// on every PUBLISH). It must never crash or exceed its limits, and whatever
// it accepts must survive our own encoder and decoder unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "presence/pidf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley::presence;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto doc = decode_pidf(body);
  if (!doc) return 0;
  if (doc->note.size() > kMaxNoteBytes) __builtin_trap();
  PresenceState state = device_state(*doc);
  auto again = decode_pidf(encode_pidf(doc->entity, state));
  if (!again || device_state(*again) != state || again->entity != doc->entity) __builtin_trap();
  return 0;
}
