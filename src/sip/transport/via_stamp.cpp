#include "sip/transport/via_stamp.hpp"

#include <charconv>
#include <functional>
#include <string>

#include "base/strings.hpp"

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

std::string_view standard_reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 413: return "Request Entity Too Large";
    case 416: return "Unsupported URI Scheme";
    case 505: return "Version Not Supported";
    case 513: return "Message Too Large";
    default: return "Bad Request";
  }
}

// Which of the headers a response must copy (§8.2.6.2) this line is, if any.
bool is_copied_header(std::string_view name) {
  static constexpr std::string_view kNames[] = {"via", "v", "from", "f", "to", "t",
                                                "call-id", "i", "cseq"};
  for (std::string_view n : kNames) {
    if (iequals(name, n)) return true;
  }
  return false;
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
  if (error.status < 300 || error.status > 699) return std::nullopt;
  const std::size_t first_eol = raw.find("\r\n");
  if (first_eol == std::string_view::npos) return std::nullopt;
  const std::string_view start_line = raw.substr(0, first_eol);
  // Never answer a response, and never answer an ACK (§17.2.1).
  if (start_line.starts_with("SIP/") || start_line.starts_with("ACK ")) return std::nullopt;

  std::string out = "SIP/2.0 " + std::to_string(error.status) + " ";
  out += standard_reason(error.status);
  out += "\r\n";
  bool has_via = false;
  bool to_tagged = false;
  std::size_t pos = first_eol + 2;
  while (pos < raw.size()) {
    std::size_t eol = raw.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = raw.size();
    const std::string_view line = raw.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) break;  // end of the header section
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.front() == ' ' || line.front() == '\t') continue;
    const std::string_view name = trim(line.substr(0, colon));
    if (!is_copied_header(name)) continue;
    if (iequals(name, "via") || iequals(name, "v")) has_via = true;
    out.append(line);
    // §8.2.6.2: a final response carries a To tag.
    if ((iequals(name, "to") || iequals(name, "t")) && line.find(";tag=") == std::string_view::npos &&
        !to_tagged) {
      out += ";tag=";
      char tag[20];
      const auto h = std::hash<std::string_view>{}(raw.substr(0, pos));
      const auto r = std::to_chars(tag, tag + sizeof tag, h, 16);
      out.append(tag, r.ptr);
      to_tagged = true;
    }
    out += "\r\n";
  }
  if (!has_via) return std::nullopt;
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

}  // namespace parley::sip::transport
