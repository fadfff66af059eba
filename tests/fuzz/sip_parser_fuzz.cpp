// libFuzzer target: parse_message with both framings, serialize and re-parse
// (round-trip invariants), the validator and make_error_response.
#include <cstddef>
#include <cstdint>

#include "sip_parser_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (parley::sip::fuzz::check_input(bytes)) __builtin_trap();
  return 0;
}
