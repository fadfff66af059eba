// RFC 3261 §7 wire form: typed headers first, in a fixed order, then the
// opaque ones in arrival order, then a Content-Length computed from the body.
#include "sip/message/serializer.hpp"

#include <charconv>

#include "sip/message/syntax.hpp"

namespace parley::sip {

namespace {

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;
  out.append(buf, static_cast<std::size_t>(p - buf));
}

void append_host_port(std::string& out, const std::string& host, std::uint16_t port) {
  out.append(host);
  if (port != 0) {
    out.push_back(':');
    append_uint(out, port);
  }
}

// Same text as Uri::to_string, written in place to avoid a temporary.
void append_uri(std::string& out, const Uri& u) {
  if (!u.is_sip()) {
    out.append(u.to_string());
    return;
  }
  out.append(u.scheme);
  out.push_back(':');
  if (!u.user.empty() || !u.password.empty()) {
    out.append(u.user);
    if (!u.password.empty()) {
      out.push_back(':');
      out.append(u.password);
    }
    out.push_back('@');
  }
  append_host_port(out, u.host, u.port);
  u.params.append_to(out);
  if (!u.headers.empty()) {
    out.push_back('?');
    out.append(u.headers);
  }
}

void append_name_addr(std::string& out, const NameAddr& na) {
  if (na.wildcard) {
    out.push_back('*');
    return;
  }
  if (!na.display_name.empty()) {
    detail::append_quoted(out, na.display_name);
    out.push_back(' ');
  }
  out.push_back('<');
  append_uri(out, na.uri);
  out.push_back('>');
  na.params.append_to(out);
}

void append_addr_header(std::string& out, std::string_view name, const NameAddr& na) {
  out.append(name);
  out.append(": ");
  append_name_addr(out, na);
  out.append("\r\n");
}

std::size_t estimate(const Message& m) {
  std::size_t n = 256 + m.body.size() + m.reason.size() + m.call_id.size();
  for (const auto& h : m.headers) n += h.name.size() + h.value.size() + 4;
  n += (m.vias.size() + m.contacts.size() + m.routes.size() + m.record_routes.size()) * 96;
  return n;
}

void append_start_line(std::string& out, const Message& m) {
  if (m.is_request()) {
    // A known method enum wins over its text, so callers may set either.
    out.append(m.method != Method::Unknown ? to_string(m.method) : std::string_view(m.method_text));
    out.push_back(' ');
    append_uri(out, m.request_uri);
    out.append(" SIP/2.0\r\n");
  } else {
    out.append("SIP/2.0 ");
    append_uint(out, static_cast<std::uint64_t>(m.status_code < 0 ? 0 : m.status_code));
    out.push_back(' ');
    out.append(m.reason);
    out.append("\r\n");
  }
}

void append_via(std::string& out, const Via& v) {
  out.append("Via: ");
  out.append(v.protocol);
  out.push_back('/');
  out.append(v.transport);
  out.push_back(' ');
  append_host_port(out, v.host, v.port);
  v.params.append_to(out);
  out.append("\r\n");
}

}  // namespace

std::string serialize(const Message& m) {
  std::string out;
  out.reserve(estimate(m));
  append_start_line(out, m);
  for (const auto& v : m.vias) append_via(out, v);
  for (const auto& r : m.routes) append_addr_header(out, "Route", r);
  for (const auto& r : m.record_routes) append_addr_header(out, "Record-Route", r);
  if (!m.from.uri.empty()) append_addr_header(out, "From", m.from);
  if (!m.to.uri.empty()) append_addr_header(out, "To", m.to);
  if (!m.call_id.empty()) {
    out.append("Call-ID: ");
    out.append(m.call_id);
    out.append("\r\n");
  }
  if (!m.cseq.method_text.empty() || m.cseq.method != Method::Unknown) {
    out.append("CSeq: ");
    append_uint(out, m.cseq.number);
    out.push_back(' ');
    out.append(m.cseq.method != Method::Unknown ? to_string(m.cseq.method)
                                                : std::string_view(m.cseq.method_text));
    out.append("\r\n");
  }
  if (m.max_forwards) {
    out.append("Max-Forwards: ");
    append_uint(out, *m.max_forwards);
    out.append("\r\n");
  }
  for (const auto& c : m.contacts) append_addr_header(out, "Contact", c);
  if (m.expires) {
    out.append("Expires: ");
    append_uint(out, *m.expires);
    out.append("\r\n");
  }
  if (!m.content_type.empty()) {
    out.append("Content-Type: ");
    out.append(m.content_type);
    out.append("\r\n");
  }
  for (const auto& h : m.headers) {
    out.append(h.name);
    out.append(": ");
    out.append(h.value);
    out.append("\r\n");
  }
  out.append("Content-Length: ");
  append_uint(out, m.body.size());
  out.append("\r\n\r\n");
  out.append(m.body);
  return out;
}

}  // namespace parley::sip
