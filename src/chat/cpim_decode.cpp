// decode_cpim (chat/cpim.hpp): the reading half of RFC 3862, kept apart
// from encoding because it is the half that meets hostile bytes.
#include <string>
#include <utility>
#include <vector>

#include "base/strings.hpp"
#include "chat/cpim.hpp"

namespace parley::chat {

namespace {

using Error = Failure<CpimError>;
Error error(std::string reason) { return fail(CpimError{std::move(reason)}); }

struct HeaderLine {
  std::string_view name;
  std::string_view value;
};

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';  // '.' for namespace prefixes (RFC 3862 3.3: "MyFeatures.VitalMe")
}

// Reads header lines from `pos` up to and including the empty line that ends
// the block. CRLF or a bare LF ends a line.
Result<std::vector<HeaderLine>, CpimError> read_block(std::string_view bytes, std::size_t& pos,
                                                      const CpimLimits& limits, const char* what) {
  std::vector<HeaderLine> out;
  for (;;) {
    const std::size_t nl = bytes.find('\n', pos);
    if (nl == std::string_view::npos) return error(std::string(what) + " headers do not end");
    std::string_view line = bytes.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return out;
    if (line.size() > limits.max_line) return error(std::string(what) + " header line too long");
    if (out.size() == limits.max_headers)
      return error(std::string("too many ") + what + " headers");
    if (line.front() == ' ' || line.front() == '\t') {
      return error(std::string(what) + " header line is folded");
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return error(std::string(what) + " header line without a name");
    }
    const std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!name_char(c)) return error(std::string(what) + " header name is not a token");
    }
    out.push_back(HeaderLine{name, trim(line.substr(colon + 1))});
  }
}

// [Formal-name] "<" URI ">" (RFC 3862 3.1); Formal-name is words or a
// quoted string with backslash escapes.
Result<CpimAddress, CpimError> parse_address(std::string_view v, const char* header) {
  CpimAddress a;
  std::string_view rest;
  if (!v.empty() && v.front() == '"') {
    std::size_t i = 1;
    bool closed = false;
    while (i < v.size()) {
      const char c = v[i];
      if (c == '\\' && i + 1 < v.size()) {
        a.display_name += v[i + 1];
        i += 2;
      } else if (c == '"') {
        closed = true;
        break;
      } else {
        a.display_name += c;
        ++i;
      }
    }
    if (!closed) return error(std::string(header) + ": unterminated quoted name");
    rest = trim(v.substr(i + 1));
  } else {
    const std::size_t lt = v.find('<');
    if (lt == std::string_view::npos) return error(std::string(header) + ": no <URI>");
    a.display_name = std::string(trim(v.substr(0, lt)));
    rest = v.substr(lt);
  }
  if (rest.size() < 3 || rest.front() != '<' || rest.back() != '>') {
    return error(std::string(header) + ": no <URI>");
  }
  const std::string_view uri = rest.substr(1, rest.size() - 2);
  for (char c : uri) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>') {
      return error(std::string(header) + ": malformed URI");
    }
  }
  a.uri = std::string(uri);
  return a;
}

}  // namespace

Result<CpimMessage, CpimError> decode_cpim(std::string_view bytes, const CpimLimits& limits) {
  if (bytes.size() > limits.max_size) return error("message/cpim body too large");
  std::size_t pos = 0;
  auto message_headers = read_block(bytes, pos, limits, "message");
  if (!message_headers.ok()) return fail(message_headers.error());
  auto mime_headers = read_block(bytes, pos, limits, "content");
  if (!mime_headers.ok()) return fail(mime_headers.error());

  CpimMessage m;
  m.content_type = "text/plain";
  bool have_from = false;
  bool have_to = false;
  for (const auto& h : *message_headers) {
    if (iequals(h.name, "From") && !have_from) {
      auto a = parse_address(h.value, "From");
      if (!a.ok()) return fail(a.error());
      m.from = std::move(a.value());
      have_from = true;
    } else if (iequals(h.name, "To") && !have_to) {
      auto a = parse_address(h.value, "To");
      if (!a.ok()) return fail(a.error());
      m.to = std::move(a.value());
      have_to = true;
    } else if (iequals(h.name, "DateTime") && !m.datetime_ms) {
      m.datetime_ms = parse_datetime(h.value);
      if (!m.datetime_ms) return error("DateTime is not an RFC 3339 time");
    } else if (iequals(h.name, "Subject") && m.subject.empty()) {
      m.subject = std::string(h.value);
    }
    // NS, Require, cc and extension headers carry nothing Parley uses.
  }
  if (!have_from) return error("no From header");
  for (const auto& h : *mime_headers) {
    if (iequals(h.name, "Content-Type")) {
      if (h.value.empty()) return error("empty Content-Type");
      m.content_type = std::string(h.value);
    }
  }
  m.body = std::string(bytes.substr(pos));
  return m;
}

}  // namespace parley::chat
