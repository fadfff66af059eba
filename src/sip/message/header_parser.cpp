// Values of the headers kept typed in Message (RFC 3261 §20).
#include <charconv>

#include "base/strings.hpp"
#include "sip/message/parser.hpp"
#include "sip/message/syntax.hpp"

namespace parley::sip::detail {

namespace {

constexpr std::uint32_t kMaxCSeq = 0x7fffffffu;  // RFC 3261 §8.1.1.5: less than 2**31

std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && is_ws(s[i])) ++i;
  return i;
}

std::string_view scan_token(std::string_view s, std::size_t& i) {
  i = skip_ws(s, i);
  std::size_t start = i;
  while (i < s.size() && is_token_char(s[i])) ++i;
  return s.substr(start, i - start);
}

bool expect(std::string_view s, std::size_t& i, char c) {
  i = skip_ws(s, i);
  if (i >= s.size() || s[i] != c) return false;
  ++i;
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool parse_cseq(std::string_view v, CSeq& out) {
  std::size_t i = 0;
  while (i < v.size() && is_digit(v[i])) ++i;
  auto number = parse_uint(v.substr(0, i), kMaxCSeq);
  if (!number || i >= v.size() || !is_ws(v[i])) return false;
  std::string_view method = scan_token(v, i);
  if (method.empty() || skip_ws(v, i) != v.size()) return false;
  out.number = static_cast<std::uint32_t>(*number);
  out.method = method_from_string(method);
  out.method_text.assign(method);
  return true;
}

// Fills `out` from a list header of name-addrs; '*' only where allowed.
bool parse_addr_list(std::string_view v, std::vector<NameAddr>& out, std::size_t max,
                     bool allow_wildcard) {
  return for_each_list_item(v, [&](std::string_view item) {
    if (out.size() >= max) return false;
    if (!out.empty() && out.front().wildcard) return false;  // '*' must be alone
    NameAddr& na = out.emplace_back();
    if (parse_name_addr_into(item, na) != nullptr) return false;
    return !na.wildcard || (allow_wildcard && out.size() == 1);
  });
}

}  // namespace

bool parse_via_value(std::string_view t, Via& out) {
  // sent-protocol = name SLASH version SLASH transport, LWS allowed around
  // each SLASH (RFC 4475 wsinv).
  std::size_t i = 0;
  std::string_view name = scan_token(t, i);
  if (name.empty() || !expect(t, i, '/')) return false;
  std::string_view version = scan_token(t, i);
  if (version.empty() || !expect(t, i, '/')) return false;
  std::string_view transport = scan_token(t, i);
  if (transport.empty()) return false;
  if (name == "SIP" && version == "2.0") {
    out.protocol = "SIP/2.0";
  } else {
    out.protocol.assign(name);
    out.protocol.push_back('/');
    out.protocol.append(version);
  }
  out.transport.resize(transport.size());
  for (std::size_t k = 0; k < transport.size(); ++k) {
    char c = transport[k];
    out.transport[k] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  i = skip_ws(t, i);
  std::size_t host_len = scan_host(t.substr(i));
  if (host_len == 0) return false;
  out.host.assign(t.substr(i, host_len));
  i += host_len;
  std::size_t after_host = skip_ws(t, i);
  if (after_host < t.size() && t[after_host] == ':') {
    i = skip_ws(t, after_host + 1);
    std::size_t end = i;
    while (end < t.size() && is_digit(t[end])) ++end;
    auto port = parse_uint(t.substr(i, end - i), 65535);
    if (!port || *port == 0) return false;
    out.port = static_cast<std::uint16_t>(*port);
    i = end;
  }
  return parse_header_params(t.substr(i), out.params);
}

namespace {

bool parse_via_list(std::string_view value, std::vector<Via>& out, std::size_t max) {
  return for_each_list_item(value, [&](std::string_view item) {
    if (out.size() >= max) return false;
    return parse_via_value(item, out.emplace_back());
  });
}

void apply_expires(Message& m, std::string_view value) {
  if (all_digits(value)) {
    // RFC 4475 scalar02: an absurd expiry is capped rather than refused.
    auto e = parse_uint(value, UINT32_MAX);
    m.expires = e ? static_cast<std::uint32_t>(*e) : UINT32_MAX;
  } else {
    // An RFC 2543 date or junk: kept opaque, the registrar uses its default.
    m.headers.push_back(Header{"Expires", std::string(value)});
  }
}

}  // namespace

bool apply_typed_header(Message& m, HeaderId id, std::string_view value,
                        std::size_t max_list_values, int& error_status, std::string& reason) {
  value = trim_ws(value);
  auto failed = [&](const char* why) {
    error_status = 400;
    reason = why;
    return false;
  };
  switch (id) {
    case HeaderId::Via:
      return parse_via_list(value, m.vias, max_list_values) || failed("Bad Via");
    case HeaderId::From:
    case HeaderId::To: {
      // Single-valued (a duplicate is refused before this), so still empty.
      NameAddr& na = id == HeaderId::From ? m.from : m.to;
      if (parse_name_addr_into(value, na) != nullptr || na.wildcard) {
        return failed(id == HeaderId::From ? "Bad From" : "Bad To");
      }
      return true;
    }
    case HeaderId::CallId:
      if (value.empty() || value.find_first_of(" \t") != std::string_view::npos) {
        return failed("Bad Call-ID");
      }
      m.call_id.assign(value);
      return true;
    case HeaderId::CSeq:
      return parse_cseq(value, m.cseq) || failed("Bad CSeq");
    case HeaderId::MaxForwards: {
      // RFC 3261 §20.22: 0-255; leading zeros are fine (RFC 4475 wsinv).
      auto mf = all_digits(value) ? parse_uint(value, 255) : std::nullopt;
      if (!mf) return failed("Bad Max-Forwards");
      m.max_forwards = static_cast<std::uint32_t>(*mf);
      return true;
    }
    case HeaderId::Contact:
      return parse_addr_list(value, m.contacts, max_list_values, true) || failed("Bad Contact");
    case HeaderId::Route:
      return parse_addr_list(value, m.routes, max_list_values, false) || failed("Bad Route");
    case HeaderId::RecordRoute:
      return parse_addr_list(value, m.record_routes, max_list_values, false) ||
             failed("Bad Record-Route");
    case HeaderId::Expires:
      apply_expires(m, value);
      return true;
    case HeaderId::ContentType:
      if (value.empty()) return failed("Bad Content-Type");
      m.content_type.assign(value);
      return true;
    case HeaderId::ContentLength:
    case HeaderId::Other:
      return true;
  }
  return true;
}

}  // namespace parley::sip::detail
