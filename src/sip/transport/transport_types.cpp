#include "sip/transport/transport_types.hpp"

#include "base/strings.hpp"

namespace parley::sip::transport {

std::string_view to_string(Protocol p) {
  switch (p) {
    case Protocol::Udp: return "UDP";
    case Protocol::Tcp: return "TCP";
    case Protocol::Tls: return "TLS";
  }
  return "UDP";
}

std::optional<Protocol> protocol_from_string(std::string_view text) {
  if (iequals(text, "udp")) return Protocol::Udp;
  if (iequals(text, "tcp")) return Protocol::Tcp;
  if (iequals(text, "tls")) return Protocol::Tls;
  return std::nullopt;
}

Target reply_target(const Source& source) {
  Target t;
  t.protocol = source.protocol;
  t.ip = source.remote_ip;
  t.port = source.remote_port;
  t.flow = source.flow;
  t.listener = source.listener;
  return t;
}

}  // namespace parley::sip::transport
