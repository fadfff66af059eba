// Shared scanners of RFC 3261 §25: quoted strings and parameter lists.
#include "sip/message/syntax.hpp"

#include <cctype>

namespace parley::sip::detail {

std::size_t skip_quoted(std::string_view s, std::size_t pos) {
  std::size_t i = pos + 1;
  while (i < s.size()) {
    char c = s[i];
    // RFC 3261 §25.1: neither qdtext nor quoted-pair may carry CR or LF; they
    // could not be written back.
    if (c == '\r' || c == '\n') return std::string_view::npos;
    if (c == '\\') {
      if (i + 1 < s.size() && (s[i + 1] == '\r' || s[i + 1] == '\n')) {
        return std::string_view::npos;
      }
      i += 2;  // quoted-pair: the next byte is literal
      continue;
    }
    if (c == '"') return i + 1;
    ++i;
  }
  return std::string_view::npos;
}

std::size_t scan_host(std::string_view s) {
  if (!s.empty() && s[0] == '[') {
    std::size_t i = 1;
    while (i < s.size() && (std::isxdigit(static_cast<unsigned char>(s[i])) || s[i] == ':' ||
                            s[i] == '.')) {
      ++i;
    }
    if (i == 1 || i >= s.size() || s[i] != ']') return 0;
    return i + 1;
  }
  std::size_t i = 0;
  while (i < s.size() && has_class(s[i], kHost)) ++i;
  return i;
}

namespace {

std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && is_ws(s[i])) ++i;
  return i;
}

}  // namespace

bool parse_header_params(std::string_view text, Params& out) {
  std::size_t i = skip_ws(text, 0);
  while (i < text.size()) {
    if (text[i] != ';') return false;
    i = skip_ws(text, i + 1);
    std::size_t name_start = i;
    while (i < text.size() && is_token_char(text[i])) ++i;
    if (i == name_start) return false;
    Param p;
    p.name.assign(text.substr(name_start, i - name_start));
    i = skip_ws(text, i);
    if (i < text.size() && text[i] == '=') {
      i = skip_ws(text, i + 1);
      std::size_t value_start = i;
      if (i < text.size() && text[i] == '"') {
        i = skip_quoted(text, i);
        if (i == std::string_view::npos) return false;
      } else {
        while (i < text.size() && has_class(text[i], kParamValue)) ++i;
      }
      if (i == value_start) return false;
      p.value.assign(text.substr(value_start, i - value_start));
      p.has_value = true;
      i = skip_ws(text, i);
    }
    out.all().push_back(std::move(p));
  }
  return true;
}

bool parse_uri_params(std::string_view text, Params& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != ';') return false;
    ++i;
    std::size_t end = i;
    while (end < text.size() && text[end] != ';') ++end;
    std::string_view item = text.substr(i, end - i);
    std::size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    if (name.empty()) return false;
    Param p;
    p.name.assign(name);
    if (eq != std::string_view::npos) {
      std::string_view value = item.substr(eq + 1);
      if (value.empty()) return false;
      p.value.assign(value);
      p.has_value = true;
    }
    out.all().push_back(std::move(p));
    i = end;
  }
  return true;
}

void append_quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\r' || c == '\n') continue;  // not representable, even as a quoted-pair
    // RFC 3261 §25.1: qdtext excludes '"', '\' and controls other than LWS.
    if (c == '"' || c == '\\' || (u < 0x20 && c != '\t') || u == 0x7f) out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace parley::sip::detail
