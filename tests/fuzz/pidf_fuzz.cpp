// libFuzzer target: the PIDF/RPID decoder and its XML reader (hostile input
// on every PUBLISH). It must never crash or exceed its limits, and whatever
// it accepts must survive our own encoder and decoder unchanged
// (pidf_check.hpp, also replayed by tests/unit/presence).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pidf_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  if (parley::presence::fuzz::check_pidf_input(body)) __builtin_trap();
  return 0;
}
