// libFuzzer target: the message/cpim decoder (RFC 3862), hostile input in
// every MESSAGE a SIP device posts to a room, and message_text(), which
// unwraps it. Neither may crash; the invariants are in cpim_check.hpp.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cpim_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (parley::chat::fuzz::check_cpim_input(bytes)) __builtin_trap();
  return 0;
}
