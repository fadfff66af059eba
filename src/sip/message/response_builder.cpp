#include "sip/message/response_builder.hpp"

#include <array>

#include "base/strings.hpp"
#include "sip/message/syntax.hpp"

namespace parley::sip {

namespace {

struct Reason {
  int status;
  std::string_view text;
};

constexpr std::array<Reason, 70> kReasons{{
    {100, "Trying"}, {180, "Ringing"}, {181, "Call Is Being Forwarded"}, {182, "Queued"},
    {183, "Session Progress"}, {199, "Early Dialog Terminated"}, {200, "OK"},
    {202, "Accepted"}, {204, "No Notification"}, {300, "Multiple Choices"},
    {301, "Moved Permanently"}, {302, "Moved Temporarily"}, {305, "Use Proxy"},
    {380, "Alternative Service"}, {400, "Bad Request"}, {401, "Unauthorized"},
    {402, "Payment Required"}, {403, "Forbidden"}, {404, "Not Found"},
    {405, "Method Not Allowed"}, {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"}, {408, "Request Timeout"}, {410, "Gone"},
    {412, "Conditional Request Failed"}, {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"}, {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"}, {417, "Unknown Resource-Priority"},
    {420, "Bad Extension"}, {421, "Extension Required"},
    {422, "Session Interval Too Small"}, {423, "Interval Too Brief"},
    {428, "Use Identity Header"}, {429, "Provide Referrer Identity"},
    {430, "Flow Failed"}, {433, "Anonymity Disallowed"}, {436, "Bad Identity-Info"},
    {437, "Unsupported Certificate"}, {438, "Invalid Identity Header"},
    {439, "First Hop Lacks Outbound Support"}, {440, "Max-Breadth Exceeded"},
    {469, "Bad Info Package"}, {470, "Consent Needed"},
    {480, "Temporarily Unavailable"}, {481, "Call/Transaction Does Not Exist"},
    {482, "Loop Detected"}, {483, "Too Many Hops"}, {484, "Address Incomplete"},
    {485, "Ambiguous"}, {486, "Busy Here"}, {487, "Request Terminated"},
    {488, "Not Acceptable Here"}, {489, "Bad Event"}, {491, "Request Pending"},
    {493, "Undecipherable"}, {494, "Security Agreement Required"},
    {500, "Server Internal Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
    {503, "Service Unavailable"}, {504, "Server Time-out"},
    {505, "Version Not Supported"}, {513, "Message Too Large"},
    {580, "Precondition Failure"}, {600, "Busy Everywhere"}, {603, "Decline"},
    {604, "Does Not Exist Anywhere"}, {606, "Not Acceptable"},
}};

// Headers copied from raw bytes, as they came.
struct RawHeaders {
  std::vector<std::string_view> vias;
  std::string_view from, to, call_id, cseq;
};

// The value of a raw header line if its name is `long_name` or `compact`.
bool header_is(std::string_view name, std::string_view long_name, char compact) {
  return iequals(name, long_name) || (name.size() == 1 && (name[0] | 0x20) == compact);
}

RawHeaders scan_raw_headers(std::string_view raw) {
  RawHeaders h;
  // Bounded: at most the first 64 KiB and 256 lines. Folded lines are not
  // joined: a continuation is rare in these headers and then only the first
  // line is echoed, which is harmless for a final error response.
  raw = raw.substr(0, 65536);
  std::size_t pos = raw.find('\n');
  for (int lines = 0; pos != std::string_view::npos && lines < 256; ++lines) {
    std::size_t start = pos + 1;
    pos = raw.find('\n', start);
    std::string_view line = raw.substr(start, pos == std::string_view::npos ? pos : pos - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || detail::is_ws(line[0])) continue;
    std::string_view name = detail::trim_ws(line.substr(0, colon));
    std::string_view value = detail::trim_ws(line.substr(colon + 1));
    if (value.empty() || value.find('\r') != std::string_view::npos) continue;
    if (header_is(name, "Via", 'v')) h.vias.push_back(value);
    else if (header_is(name, "From", 'f') && h.from.empty()) h.from = value;
    else if (header_is(name, "To", 't') && h.to.empty()) h.to = value;
    else if (header_is(name, "Call-ID", 'i') && h.call_id.empty()) h.call_id = value;
    else if (iequals(name, "CSeq") && h.cseq.empty()) h.cseq = value;
  }
  return h;
}

void append_line(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

// RFC 3261 §8.2.6.2: a final response carries a To tag. Stateless, so the tag
// is derived from the request (a retransmission gets the same one).
void append_to_with_tag(std::string& out, const RawHeaders& h) {
  out.append("To: ");
  out.append(h.to);
  std::string lower = to_lower(h.to);
  if (lower.find(";tag=") == std::string::npos && lower.find("; tag") == std::string::npos) {
    std::uint32_t hash = 2166136261u;
    for (std::string_view part : {h.call_id, h.vias.front(), h.cseq}) {
      for (char c : part) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
    }
    std::string_view bytes(reinterpret_cast<const char*>(&hash), sizeof(hash));
    out.append(";tag=pe");
    out.append(to_hex(bytes));
  }
  out.append("\r\n");
}

}  // namespace

std::string_view default_reason(int status) {
  for (const auto& r : kReasons) {
    if (r.status == status) return r.text;
  }
  return {};
}

namespace {

Message response_shell(const Message& request, int status, std::string_view reason) {
  Message r;
  r.kind = Message::Kind::Response;
  r.status_code = status;
  r.reason.assign(reason.empty() ? default_reason(status) : reason);
  if (status == 100) {
    if (auto ts = request.header("Timestamp")) r.add_header("Timestamp", *ts);
  }
  return r;
}

}  // namespace

Message make_response(const Message& request, int status, std::string_view reason) {
  Message r = response_shell(request, status, reason);
  r.vias = request.vias;
  r.from = request.from;
  r.to = request.to;
  r.call_id = request.call_id;
  r.cseq = request.cseq;
  return r;
}

Message make_response(Message&& request, int status, std::string_view reason) {
  Message r = response_shell(request, status, reason);
  r.vias = std::move(request.vias);
  r.from = std::move(request.from);
  r.to = std::move(request.to);
  r.call_id = std::move(request.call_id);
  r.cseq = std::move(request.cseq);
  return r;
}

std::optional<std::string> make_error_response(std::string_view raw_bytes, const ParseError& err) {
  if (err.status < 300 || err.status > 699) return std::nullopt;
  std::size_t start = 0;
  while (start < raw_bytes.size() && (raw_bytes[start] == '\r' || raw_bytes[start] == '\n')) {
    ++start;
  }
  raw_bytes.remove_prefix(start);
  if (istarts_with(raw_bytes, "SIP/")) return std::nullopt;  // never answer a response
  RawHeaders h = scan_raw_headers(raw_bytes);
  if (h.vias.empty()) return std::nullopt;
  std::string_view reason = default_reason(err.status);
  if (reason.empty()) reason = "Error";
  std::string out;
  out.reserve(256 + raw_bytes.size() / 2);
  out.append("SIP/2.0 ");
  out.append(std::to_string(err.status));
  out.push_back(' ');
  out.append(reason);
  out.append("\r\n");
  for (auto v : h.vias) append_line(out, "Via", v);
  if (!h.from.empty()) append_line(out, "From", h.from);
  if (!h.to.empty()) append_to_with_tag(out, h);
  if (!h.call_id.empty()) append_line(out, "Call-ID", h.call_id);
  if (!h.cseq.empty()) append_line(out, "CSeq", h.cseq);
  // A short hint for whoever reads the trace; the phrase itself stays standard.
  std::string hint;
  for (char c : err.reason) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && hint.size() < 80) hint.push_back(c);
  }
  if (!hint.empty()) append_line(out, "Warning", "399 parley \"" + hint + "\"");
  out.append("Content-Length: 0\r\n\r\n");
  return out;
}

}  // namespace parley::sip
