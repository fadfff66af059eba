// libFuzzer target: the Authorization / Proxy-Authorization value parser
// (hostile input on every REGISTER). It must never crash, and what it accepts
// must respect its limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sip/auth/digest_credentials.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view value(reinterpret_cast<const char*>(data), size);
  parley::sip::auth::CredentialsLimits limits;
  auto creds = parley::sip::auth::parse_digest_credentials(value, limits);
  if (creds && (creds->username.size() > limits.max_param_length ||
                creds->nonce.size() > limits.max_param_length)) {
    __builtin_trap();
  }
  return 0;
}
