#include "sip/proxy/routing.hpp"

#include "base/strings.hpp"

namespace parley::sip {

namespace {

std::uint16_t default_port(std::string_view transport) {
  return iequals(transport, "TLS") ? 5061 : 5060;
}

}  // namespace

std::string loop_hash(const Message& request) {
  // FNV-1a: not secret, only needs to change when the request would.
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  mix(request.request_uri.to_string());
  mix(request.from.tag());
  mix(request.to.tag());
  mix(request.call_id);
  mix(std::to_string(request.cseq.number));
  for (const auto& r : request.routes) mix(r.uri.to_string());
  for (auto v : request.header_values("Proxy-Require")) mix(v);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = ".";
  for (int i = 0; i < 12; ++i) out += kDigits[(h >> (i * 4)) & 0xf];
  return out;
}

void set_flow_token(NameAddr& rr, const NextHop& hop) {
  // "~" separates the fields: it is a URI unreserved mark and appears in no
  // transport name, IP literal or number.
  rr.uri.params.set("pflow", hop.transport + "~" + hop.host + "~" + std::to_string(hop.port) +
                                 "~" + std::to_string(hop.flow_id));
}

std::optional<NextHop> flow_token(const NameAddr& route) {
  auto value = route.uri.params.get("pflow");
  if (!value) return std::nullopt;
  auto parts = split(*value, '~');
  if (parts.size() != 4 || parts[0].empty() || parts[1].empty()) return std::nullopt;
  auto port = parse_uint(parts[2], 65535);
  auto flow = parse_uint(parts[3]);
  if (!port || !flow) return std::nullopt;
  NextHop hop;
  hop.transport = std::string(parts[0]);
  hop.host = std::string(parts[1]);
  hop.port = static_cast<std::uint16_t>(*port);
  hop.flow_id = *flow;
  return hop;
}

bool came_over(const NextHop& hop, std::string_view transport, std::string_view host,
               std::uint16_t port, std::uint64_t flow_id) {
  if (hop.flow_id != 0 && hop.flow_id == flow_id) return true;
  return iequals(hop.transport, transport) && hop.host == host && hop.port == port;
}

PoppedRoutes pop_own_routes(Message& request, const Routing& routing) {
  PoppedRoutes out;
  while (!request.routes.empty() && routing.is_self(request.routes.front().uri)) {
    if (auto f = flow_token(request.routes.front())) out.flow = std::move(f);
    request.routes.erase(request.routes.begin());
    out.any = true;
  }
  return out;
}

std::string uri_transport(const Uri& uri) {
  if (auto t = uri.params.get("transport")) {
    std::string up(*t);
    for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return up;
  }
  return uri.scheme == "sips" ? "TLS" : "UDP";
}

std::string_view Routing::default_host(std::string_view host) {
  // Without DNS the only name we resolve is our own loopback name.
  return iequals(host, "localhost") ? std::string_view("127.0.0.1") : host;
}

bool Routing::is_local_domain(const Uri& uri) const {
  if (!uri.is_sip() && uri.scheme != "tel") return false;
  if (uri.scheme == "tel") return true;  // numbers are looked up in our directory
  // The domain with a port that is not one of ours is some other element
  // on the same host (a device whose Contact uses our IP-literal domain).
  if (iequals(uri.host, config_.domain)) return uri.port == 0 || is_self(uri);
  return is_self(uri);
}

bool Routing::is_self(const Uri& uri) const {
  if (!uri.is_sip()) return false;
  std::string_view host = default_host(uri.host);
  std::string transport = uri_transport(uri);
  for (const auto& a : config_.addresses) {
    if (!iequals(default_host(a.host), host)) continue;
    std::uint16_t port = uri.port ? uri.port : default_port(transport);
    if (port == a.port) return true;
  }
  return false;
}

std::optional<NextHop> Routing::next_hop(const Uri& uri) const {
  if (!uri.is_sip()) return std::nullopt;
  // RFC 3261 §16.5: maddr overrides the host.
  std::string_view host = uri.params.get("maddr").value_or(std::string_view(uri.host));
  host = default_host(host);
  if (host.empty()) return std::nullopt;
  bool ipv6 = host.front() == '[';
  bool ipv4 = !ipv6 && host.find_first_not_of("0123456789.") == std::string_view::npos;
  if (!ipv4 && !ipv6) return std::nullopt;
  NextHop hop;
  hop.transport = uri_transport(uri);
  hop.host = std::string(ipv6 ? host.substr(1, host.size() - 2) : host);
  hop.port = uri.port ? uri.port : default_port(hop.transport);
  return hop;
}

const LocalAddress* Routing::local_address(std::string_view transport) const {
  for (const auto& a : config_.addresses) {
    if (iequals(a.transport, transport)) return &a;
  }
  return config_.addresses.empty() ? nullptr : &config_.addresses.front();
}

Via Routing::own_via(std::string_view transport, std::string branch) const {
  const LocalAddress* a = local_address(transport);
  Via via;
  via.transport = std::string(transport);
  via.host = a ? a->host : "127.0.0.1";
  via.port = a ? a->port : 5060;
  via.params.set("branch", branch);
  return via;
}

NameAddr Routing::record_route(std::string_view transport) const {
  const LocalAddress* a = local_address(transport);
  NameAddr out;
  out.uri.scheme = "sip";
  out.uri.host = a ? a->host : "127.0.0.1";
  out.uri.port = a ? a->port : 5060;
  if (a && !iequals(a->transport, "UDP")) out.uri.params.set("transport", to_lower(a->transport));
  out.uri.params.set_flag("lr");
  return out;
}

}  // namespace parley::sip
