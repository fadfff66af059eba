// The seam between the SIP service and the web user agent (DESIGN.md
// "Telephony": each browser session is a contact of its user, bound to
// Parley's own web user agent). The SIP service asks it for a user's browser
// endpoints when it forks, hands it every message the proxy sends on the
// in-process "WEB" transport. Implemented by WebUserAgent. Thread: core.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sip/proxy/endpoint.hpp"
#include "sip/transaction/transaction_action.hpp"

namespace parley::gateway {

// The transport name of branches to browser sessions; the flow id is the
// web session's id. Never on the wire.
inline constexpr std::string_view kWebTransport = "WEB";
// The host of flows to and from the web user agent (trusted by the proxy).
inline constexpr std::string_view kWebHost = "web-ua.invalid";

class WebEndpoints {
 public:
  virtual ~WebEndpoints() = default;
  // The browser sessions of user `name` that can take a request now.
  virtual void add_endpoints(std::string_view user, std::vector<sip::Endpoint>& out) = 0;
  // A request or response the proxy sends over a WEB flow. False when the
  // session behind the flow is gone (the proxy then acts as on a transport error).
  virtual bool deliver(const sip::Message& message, const sip::Flow& flow) = 0;
};

}  // namespace parley::gateway
