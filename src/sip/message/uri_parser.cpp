// URI and name-addr parsing (RFC 3261 §19.1, §20.10, §25.1; RFC 3966 for tel).
#include <cctype>
#include <charconv>

#include "sip/message/parser.hpp"
#include "sip/message/syntax.hpp"

namespace parley::sip {

namespace {

using detail::has_class;
using detail::is_ws;

ParseError bad(std::string reason) { return ParseError{400, std::move(reason)}; }

bool parse_port(std::string_view digits, std::uint16_t& port) {
  if (digits.empty() || digits.size() > 5) return false;
  unsigned v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size() || v == 0 || v > 65535) return false;
  port = static_cast<std::uint16_t>(v);
  return true;
}

void assign_lower(std::string& out, std::string_view s) {
  out.resize(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
}

// sip:/sips: after the colon: [userinfo "@"] hostport uri-parameters [headers].
bool parse_sip_rest(std::string_view rest, Uri& uri) {
  // userinfo cannot hold an unescaped '@' and neither can parameters or
  // headers, so the last '@' ends it; the user part may contain ';' '?' ','
  // (RFC 4475 semiuri, intmeth).
  std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    std::size_t colon = userinfo.find(':');
    std::string_view user = userinfo.substr(0, colon);
    if (user.empty()) return false;
    uri.user.assign(user);
    if (colon != std::string_view::npos) uri.password.assign(userinfo.substr(colon + 1));
    rest.remove_prefix(at + 1);
  }
  std::size_t host_len = detail::scan_host(rest);
  if (host_len == 0) return false;
  uri.host.assign(rest.substr(0, host_len));
  rest.remove_prefix(host_len);
  if (!rest.empty() && rest[0] == ':') {
    std::size_t end = 1;
    while (end < rest.size() && detail::is_digit(rest[end])) ++end;
    if (!parse_port(rest.substr(1, end - 1), uri.port)) return false;
    rest.remove_prefix(end);
  }
  std::size_t q = rest.find('?');
  if (q != std::string_view::npos) {
    uri.headers.assign(rest.substr(q + 1));
    if (uri.headers.empty()) return false;
    rest = rest.substr(0, q);
  }
  return detail::parse_uri_params(rest, uri.params);
}

}  // namespace

const char* detail::parse_uri_into(std::string_view text, Uri& uri) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return "Bad URI";
  std::string_view scheme = text.substr(0, colon);
  if (!std::isalpha(static_cast<unsigned char>(scheme[0]))) return "Bad URI scheme";
  for (char c : scheme) {
    if (!has_class(c, detail::kScheme)) return "Bad URI scheme";
  }
  std::string_view rest = text.substr(colon + 1);
  if (rest.empty()) return "Bad URI";
  for (char c : rest) {
    // No LWS, controls, quotes, angle brackets or raw non-ASCII in a URI.
    if (!has_class(c, detail::kUriChar)) return "Bad character in URI";
  }
  assign_lower(uri.scheme, scheme);
  if (uri.is_sip()) {
    if (!parse_sip_rest(rest, uri)) return "Bad SIP URI";
  } else if (uri.scheme == "tel") {
    std::size_t semi = rest.find(';');
    uri.user.assign(rest.substr(0, semi));
    if (uri.user.empty()) return "Bad tel URI";
    if (semi != std::string_view::npos &&
        !detail::parse_uri_params(rest.substr(semi), uri.params)) {
      return "Bad tel URI";
    }
  } else {
    uri.opaque.assign(rest);  // RFC 3261 absoluteURI: kept as it came
  }
  return nullptr;
}

Result<Uri, ParseError> parse_uri(std::string_view text) {
  Uri uri;
  if (const char* why = detail::parse_uri_into(text, uri)) return fail(bad(why));
  return uri;
}

namespace {

// Resolves the quoted-pairs of a quoted-string body (without the quotes).
void unquote(std::string_view body, std::string& out) {
  out.clear();
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) ++i;
    out.push_back(body[i]);
  }
}

}  // namespace

const char* detail::parse_name_addr_into(std::string_view text, NameAddr& na) {
  text = detail::trim_ws(text);
  if (text == "*") {
    na.wildcard = true;
    return nullptr;
  }
  if (text.empty()) return "Empty address";
  std::size_t i = 0;
  bool bracketed = false;
  if (text[0] == '"') {
    i = detail::skip_quoted(text, 0);
    if (i == std::string_view::npos) return "Unterminated quoted string";
    unquote(text.substr(1, i - 2), na.display_name);
    while (i < text.size() && is_ws(text[i])) ++i;
    if (i >= text.size() || text[i] != '<') return "Bad display name";
    bracketed = true;
  } else {
    // *(token LWS) then '<' is a name-addr (RFC 4475 lwsdisp: LWS optional).
    while (i < text.size() && (detail::is_token_char(text[i]) || is_ws(text[i]))) ++i;
    if (i < text.size() && text[i] == '<') {
      na.display_name.assign(detail::trim_ws(text.substr(0, i)));
      bracketed = true;
    } else {
      i = 0;
    }
  }
  std::string_view uri_text;
  std::string_view params;
  if (bracketed) {
    std::size_t close = text.find('>', i);
    if (close == std::string_view::npos) return "Missing '>'";
    uri_text = text.substr(i + 1, close - i - 1);
    params = text.substr(close + 1);
  } else {
    // addr-spec: RFC 3261 §20 says a URI with ',', ';' or '?' must be in <>,
    // so ';' starts the header parameters (RFC 4475 cparam01).
    std::size_t semi = text.find(';');
    uri_text = detail::trim_ws(text.substr(0, semi));
    if (semi != std::string_view::npos) params = text.substr(semi);
    if (uri_text.find('?') != std::string_view::npos) {
      return "URI with headers needs <>";  // RFC 4475 regbadct
    }
  }
  if (const char* why = detail::parse_uri_into(uri_text, na.uri)) return why;
  if (!detail::parse_header_params(params, na.params)) return "Bad header parameter";
  return nullptr;
}

Result<NameAddr, ParseError> parse_name_addr(std::string_view text) {
  NameAddr na;
  if (const char* why = detail::parse_name_addr_into(text, na)) return fail(bad(why));
  return na;
}

}  // namespace parley::sip
