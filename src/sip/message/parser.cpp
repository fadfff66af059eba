// Message framing (RFC 3261 §7, §7.3.1 folding, §18.3 Content-Length) and the
// start line; header values are handed to header_parser.cpp.
#include "sip/message/parser.hpp"

#include <charconv>

#include "base/strings.hpp"
#include "sip/message/syntax.hpp"

namespace parley::sip {

namespace {

using detail::HeaderId;
using detail::is_ws;

ParseError err(int status, std::string reason) { return ParseError{status, std::move(reason)}; }

std::string_view strip_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool looks_like_response(std::string_view start_line) {
  return istarts_with(start_line, "SIP/");
}

// Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 §7.1). Runs of
// SP and trailing SP are tolerated (RFC 4475 lwsstart, trws); the serializer
// writes single SPs, so they are never forwarded.
std::optional<ParseError> parse_request_line(std::string_view line, Message& m) {
  std::string_view parts[3];
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i == line.size()) break;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    // A fourth element means LWS inside the Request-URI (RFC 4475 lwsruri).
    if (count == 3) return err(400, "Malformed Request-Line");
    parts[count++] = line.substr(start, i - start);
  }
  if (count != 3) return err(400, "Malformed Request-Line");
  if (!iequals(parts[2], "SIP/2.0")) {
    if (istarts_with(parts[2], "SIP/")) return err(505, "Version Not Supported");
    return err(400, "Malformed Request-Line");
  }
  if (!detail::is_token(parts[0])) return err(400, "Bad method");
  if (parts[1].front() == '<') return err(400, "Request-URI in <>");  // RFC 4475 ltgtruri
  if (detail::parse_uri_into(parts[1], m.request_uri) != nullptr) {
    return err(400, "Bad Request-URI");
  }
  m.kind = Message::Kind::Request;
  m.method = method_from_string(parts[0]);
  m.method_text.assign(parts[0]);
  return std::nullopt;
}

// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2).
std::optional<ParseError> parse_status_line(std::string_view line, Message& m) {
  if (line.size() < 11 || !iequals(line.substr(0, 8), "SIP/2.0 ")) {
    return err(0, "Malformed Status-Line");
  }
  std::string_view code = line.substr(8, 3);
  if (!detail::is_digit(code[0]) || !detail::is_digit(code[1]) || !detail::is_digit(code[2])) {
    return err(0, "Bad status code");
  }
  int status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  if (status < 100 || status > 699) return err(0, "Bad status code");
  std::string_view rest = line.substr(11);
  // A code longer than three digits (RFC 4475 bigcode) lands here.
  if (!rest.empty() && rest.front() != ' ') return err(0, "Bad status code");
  if (!rest.empty()) rest.remove_prefix(1);
  m.kind = Message::Kind::Response;
  m.status_code = status;
  m.reason.assign(rest);
  return std::nullopt;
}

// Bit per single-value header, for duplicate detection (RFC 3261 §7.3.1:
// only comma-list headers may repeat; RFC 4475 multi01, mcl01).
std::uint32_t single_bit(HeaderId id) {
  switch (id) {
    case HeaderId::From:
    case HeaderId::To:
    case HeaderId::CallId:
    case HeaderId::CSeq:
    case HeaderId::MaxForwards:
    case HeaderId::Expires:
    case HeaderId::ContentType:
    case HeaderId::ContentLength:
      return 1u << static_cast<unsigned>(id);
    default:
      return 0;
  }
}

struct HeaderState {
  std::uint32_t seen = 0;
  std::size_t count = 0;
  std::optional<std::size_t> content_length;
  std::string scratch;  // unfolded value of the current header, reused
};

// One logical header `raw` (its CR LF folds still inside). Returns an error or nullopt.
std::optional<ParseError> parse_header(std::string_view raw, bool folded, HeaderState& st,
                                       Message& m, const ParseLimits& limits) {
  std::size_t colon = raw.find(':');
  if (colon == std::string_view::npos) return err(400, "Header without colon");
  std::string_view name = detail::trim_ws(raw.substr(0, colon));
  if (!detail::is_token(name)) return err(400, "Bad header name");
  std::string_view value = raw.substr(colon + 1);
  if (folded) {
    // RFC 3261 §7.3.1: a fold (CRLF + WSP) is equivalent to the whitespace it carries.
    st.scratch.clear();
    for (char c : value) {
      if (c != '\r' && c != '\n') st.scratch.push_back(c);
    }
    value = st.scratch;
  }
  value = detail::trim_ws(strip_cr(value));
  HeaderId id = detail::classify_header(name);
  std::uint32_t bit = single_bit(id);
  if (bit != 0) {
    if ((st.seen & bit) != 0) {
      return err(400, "Duplicate " + std::string(detail::canonical_header_name(name)));
    }
    st.seen |= bit;
  }
  if (id == HeaderId::Other) {
    m.headers.push_back(Header{std::string(detail::canonical_header_name(name)), std::string(value)});
    return std::nullopt;
  }
  if (id == HeaderId::ContentLength) {
    std::size_t cl = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), cl);
    if (ec == std::errc::result_out_of_range) return err(513, "Message Too Large");
    if (ec != std::errc() || p != value.data() + value.size()) {
      return err(400, "Bad Content-Length");  // RFC 4475 ncl: never used as a count
    }
    if (cl > limits.max_message_size) return err(513, "Message Too Large");
    st.content_length = cl;
    return std::nullopt;
  }
  int status = 400;
  std::string reason;
  if (!detail::apply_typed_header(m, id, value, limits.max_list_values, status, reason)) {
    return err(status, std::move(reason));
  }
  return std::nullopt;
}

// Fills `m` in place (a Message is large; moving it around costs).
std::optional<ParseError> parse_impl(std::string_view bytes, Framing framing,
                                     const ParseLimits& limits, std::size_t pos, Message& m) {
  const std::size_t n = bytes.size();
  std::size_t eol = bytes.find('\n', pos);
  if (eol == std::string_view::npos) return err(400, "Incomplete message");
  std::string_view start_line = strip_cr(bytes.substr(pos, eol - pos));
  if (start_line.size() > limits.max_line_length) return err(400, "Line too long");
  auto line_error = looks_like_response(start_line) ? parse_status_line(start_line, m)
                                                    : parse_request_line(start_line, m);
  if (line_error) return line_error;

  HeaderState st;
  pos = eol + 1;
  while (true) {
    eol = bytes.find('\n', pos);
    if (eol == std::string_view::npos) return err(400, "Headers not terminated");
    if (eol - pos > limits.max_line_length + 1) return err(400, "Line too long");
    if (strip_cr(bytes.substr(pos, eol - pos)).empty()) {
      pos = eol + 1;
      break;
    }
    if (is_ws(bytes[pos])) return err(400, "Continuation without header");
    // Extend over continuation lines.
    std::size_t end = eol;
    bool folded = false;
    while (end + 1 < n && is_ws(bytes[end + 1])) {
      std::size_t next = bytes.find('\n', end + 1);
      if (next == std::string_view::npos) return err(400, "Headers not terminated");
      if (next - end > limits.max_line_length + 2) return err(400, "Line too long");
      end = next;
      folded = true;
    }
    if (++st.count > limits.max_headers) return err(400, "Too many headers");
    if (auto e = parse_header(bytes.substr(pos, end - pos), folded, st, m, limits)) return e;
    pos = end + 1;
  }

  std::size_t available = n - pos;
  if (st.content_length) {
    // RFC 3261 §18.3: bytes beyond Content-Length are not part of this message
    // (RFC 4475 dblreq); fewer bytes than announced is an error (clerr).
    if (*st.content_length > available) return err(400, "Content-Length exceeds message");
    m.body.assign(bytes.substr(pos, *st.content_length));
  } else if (framing == Framing::Stream) {
    return err(400, "Missing Content-Length");
  } else {
    m.body.assign(bytes.substr(pos));  // RFC 4475 inv2543
  }
  return std::nullopt;
}

}  // namespace

std::optional<ParseError> parse_message_into(std::string_view bytes, Framing framing,
                                             const ParseLimits& limits, Message& out) {
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  std::size_t pos = 0;
  while (pos < bytes.size() && (bytes[pos] == '\r' || bytes[pos] == '\n')) ++pos;
  std::optional<ParseError> e;
  if (bytes.size() > limits.max_message_size) {
    e = err(513, "Message Too Large");
  } else {
    e = parse_impl(bytes, framing, limits, pos, out);
  }
  // RFC 3261 §16.7 / RFC 4475 3.1.2.5: a malformed response is dropped, never answered.
  if (e && looks_like_response(bytes.substr(pos))) e->status = 0;
  return e;
}

Result<Message, ParseError> parse_message(std::string_view bytes, Framing framing,
                                          const ParseLimits& limits) {
  Message m;
  if (auto e = parse_message_into(bytes, framing, limits, m)) return fail(std::move(*e));
  return m;
}

}  // namespace parley::sip
