// Routing decisions of the proxy that need no state: is a URI ours, where is
// its next hop, does a Route header point at us (RFC 3261 §16.4, §16.6 steps
// 6-7, RFC 3263 without DNS: only IP literals and "localhost" resolve).
// Thread: any.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sip/message/message.hpp"
#include "sip/proxy/endpoint.hpp"
#include "sip/proxy/proxy_config.hpp"

namespace parley::sip {

class Routing {
 public:
  explicit Routing(const ProxyConfig& config) : config_(config) {}

  // The Request-URI names our domain (users, rooms ...), or one of our addresses.
  bool is_local_domain(const Uri& uri) const;
  // The URI is one of our own listening addresses (a Route or Record-Route of ours).
  bool is_self(const Uri& uri) const;
  // Where to send a request whose next hop is `uri`; nullopt when the host
  // does not resolve without DNS.
  std::optional<NextHop> next_hop(const Uri& uri) const;
  // Our address for a transport, for Via and Record-Route.
  const LocalAddress* local_address(std::string_view transport) const;
  // Our Via for a request leaving over `transport` (RFC 3261 §16.6 step 8).
  Via own_via(std::string_view transport, std::string branch) const;
  // Our Record-Route / Via address for one side of the proxy, with ;lr.
  NameAddr record_route(std::string_view transport) const;

 private:
  static std::string_view default_host(std::string_view host);
  const ProxyConfig& config_;
};

// RFC 3261 §16.6 step 8: a hash of the fields that tell a looping request
// from a spiralling one; carried in our Via branch and checked on arrival.
std::string loop_hash(const Message& request);

// A flow token in our Record-Route (the idea of RFC 5626 §5.3): where the
// callee registered from, so in-dialog requests reach a device behind NAT or
// over its own connection rather than the address its Contact claims.
void set_flow_token(NameAddr& record_route, const NextHop& hop);
std::optional<NextHop> flow_token(const NameAddr& route);
// The request arrived over the flow the token names: it travels the other
// way (from the callee), so the token does not apply.
bool came_over(const NextHop& hop, std::string_view transport, std::string_view host,
               std::uint16_t port, std::uint64_t flow_id);

// Our own Route entries at the top of a request, removed (RFC 3261 §16.4),
// with the flow token they carried, if any.
struct PoppedRoutes {
  bool any = false;
  std::optional<NextHop> flow;
};
PoppedRoutes pop_own_routes(Message& request, const Routing& routing);

// Transport of a URI: its transport parameter, TLS for sips, UDP otherwise.
std::string uri_transport(const Uri& uri);

}  // namespace parley::sip
