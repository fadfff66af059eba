// Settings of the SIP proxy/registrar element, filled by the composition root
// from the server configuration. Thread: any (plain value).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/clock.hpp"

namespace parley::sip {

// One address the element listens on, as it writes it into Via and
// Record-Route headers.
struct LocalAddress {
  std::string transport;  // "UDP", "TCP", "TLS"
  std::string host;       // IP literal; IPv6 in brackets
  std::uint16_t port = 0;
};

struct ProxyConfig {
  std::string domain = "localhost";
  std::vector<LocalAddress> addresses;
  // Sources whose MESSAGE and INVITE are not challenged (a trunk, a gateway);
  // REGISTER always is.
  std::function<bool(std::string_view ip)> is_trusted;
  // RFC 3261 §16.6 step 11: Timer C, longer than 3 minutes.
  Millis timer_c{Millis(181000)};
  // Forwarded requests with no Max-Forwards get this one (§16.6 step 3).
  std::uint32_t default_max_forwards = 70;
  std::string server_name = "Parley";
};

}  // namespace parley::sip
