#include "sip/transport/via_stamp.hpp"

#include <charconv>
#include <string>

#include "sip/message/response_builder.hpp"

namespace parley::sip::transport {

namespace {

std::string_view unbracket(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

std::optional<std::uint16_t> to_port(std::string_view text) {
  unsigned v = 0;
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (r.ec != std::errc{} || r.ptr != end || v == 0 || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

}  // namespace

void stamp_received(Message& request, std::string_view source_ip, std::uint16_t source_port) {
  if (request.vias.empty()) return;
  Via& top = request.vias.front();
  const Param* rport = top.params.find("rport");
  const bool fill_rport = rport != nullptr && (!rport->has_value || rport->value.empty());
  // RFC 3581 §4: with rport, received is added even when it equals sent-by.
  if (fill_rport || unbracket(top.host) != source_ip) {
    top.params.set("received", source_ip);
  }
  if (fill_rport) top.params.set("rport", std::to_string(source_port));
}

std::optional<Target> response_target(const Message& response, FlowId flow) {
  if (response.vias.empty()) return std::nullopt;
  const Via& top = response.vias.front();
  const auto protocol = protocol_from_string(top.transport);
  if (!protocol) return std::nullopt;
  Target t;
  t.protocol = *protocol;
  t.flow = is_reliable(*protocol) ? flow : 0;
  const auto received = top.params.get("received");
  t.ip = std::string(unbracket(received && !received->empty() ? *received : top.host));
  std::optional<std::uint16_t> port;
  if (const auto rport = top.params.get("rport"); rport && !rport->empty()) port = to_port(*rport);
  if (!port && top.port != 0) port = top.port;
  t.port = port.value_or(*protocol == Protocol::Tls ? 5061 : 5060);
  return t;
}

std::optional<std::string> stateless_error_reply(std::string_view raw, const ParseError& error) {
  std::string_view start = raw;
  while (!start.empty() && (start.front() == '\r' || start.front() == '\n')) start.remove_prefix(1);
  // An ACK is never answered (RFC 3261 §17.2.1); the builder does the rest.
  if (start.starts_with("ACK ")) return std::nullopt;
  return make_error_response(raw, error);
}

}  // namespace parley::sip::transport
