#include "sip/transport/stream_framer.hpp"

#include <algorithm>

#include "base/strings.hpp"

namespace parley::sip::transport {

namespace {

constexpr std::string_view kCrlfCrlf = "\r\n\r\n";
constexpr std::string_view kTooLarge = "Message Too Large";
constexpr std::string_view kBadLength = "Bad Content-Length";

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_wsp(std::string_view s) {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && (is_wsp(s.back()) || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Digits only; more than nine digits means "larger than any limit we accept".
bool parse_length(std::string_view s, std::size_t& out) {
  if (s.empty()) return false;
  std::size_t v = 0;
  std::size_t digits = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (++digits > 9) {
      v = static_cast<std::size_t>(-1);
      continue;
    }
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  out = v;
  return true;
}

}  // namespace

void StreamFramer::feed(std::string_view data) {
  if (failed_) return;
  // Views handed out earlier die here, so the consumed prefix can go.
  compact();
  buf_.append(data);
}

StreamFramer::Frame StreamFramer::fail(int status, std::string_view reason) {
  failed_ = true;
  fail_status_ = status;
  fail_reason_ = reason;
  Frame f;
  f.kind = Kind::Error;
  f.bytes = std::string_view(buf_).substr(start_, limits_.max_header_bytes);
  f.status = status;
  f.reason = reason;
  return f;
}

StreamFramer::Frame StreamFramer::next() {
  if (failed_) return fail(fail_status_, fail_reason_);
  const std::string_view all(buf_);

  // RFC 3261 §7.5: CRLFs before a start line are ignored; RFC 5626 §4.4.1: a
  // CRLFCRLF at a message boundary is a ping and a lone CRLF is a pong.
  while (start_ < all.size() && (all[start_] == '\r' || all[start_] == '\n')) {
    const std::string_view rest = all.substr(start_);
    if (rest.starts_with(kCrlfCrlf)) {
      start_ += kCrlfCrlf.size();
      searched_ = 0;
      return Frame{Kind::Ping};
    }
    if (kCrlfCrlf.starts_with(rest)) return Frame{};  // maybe a ping still arriving
    start_ += rest.starts_with("\r\n") ? 2 : 1;
    searched_ = 0;
  }

  const std::string_view rest = all.substr(start_);
  if (rest.empty()) return Frame{};
  const std::size_t from = searched_ > 3 ? searched_ - 3 : 0;
  const std::size_t end = rest.find(kCrlfCrlf, from);
  if (end == std::string_view::npos) {
    if (rest.size() > limits_.max_header_bytes) return fail(513, kTooLarge);
    searched_ = rest.size();
    return Frame{};
  }
  const std::size_t header_len = end + kCrlfCrlf.size();
  if (header_len > limits_.max_header_bytes) return fail(513, kTooLarge);

  // Headers are rescanned only when the body is incomplete; bodies are small.
  const HeaderScan scan = scan_content_length(rest.substr(0, end + 2));
  if (!scan.ok) return fail(400, kBadLength);
  if (header_len > limits_.max_message_bytes ||
      scan.length > limits_.max_message_bytes - header_len) {
    return fail(513, kTooLarge);
  }
  const std::size_t total = header_len + scan.length;
  searched_ = end;  // the blank line is found again at once next time
  if (rest.size() < total) return Frame{};

  Frame f;
  f.kind = Kind::Message;
  f.bytes = rest.substr(0, total);
  f.missing_content_length = !scan.has_length;
  start_ += total;
  searched_ = 0;
  return f;
}

StreamFramer::HeaderScan StreamFramer::scan_content_length(std::string_view headers) {
  HeaderScan out;
  // Skip the start line; then walk header lines, folding continuations (§7.3.1).
  std::size_t pos = headers.find("\r\n");
  if (pos == std::string_view::npos) return out;
  pos += 2;
  while (pos < headers.size()) {
    std::size_t eol = headers.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = headers.size();
    const std::string_view line = headers.substr(pos, eol - pos);
    std::size_t next = eol + 2;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.empty() || is_wsp(line.front())) {
      pos = next;
      continue;
    }
    const std::string_view name = trim_wsp(line.substr(0, colon));
    if (!iequals(name, "content-length") && !iequals(name, "l")) {
      pos = next;
      continue;
    }
    // The value may continue on folded lines.
    std::size_t value_end = eol;
    while (next < headers.size() && is_wsp(headers[next])) {
      std::size_t e = headers.find("\r\n", next);
      if (e == std::string_view::npos) e = headers.size();
      value_end = e;
      next = e + 2;
    }
    std::string value(headers.substr(pos + colon + 1, value_end - pos - colon - 1));
    std::replace_if(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    std::size_t len = 0;
    if (!parse_length(trim_wsp(value), len)) return HeaderScan{false};
    if (out.has_length && len != out.length) return HeaderScan{false};
    out.has_length = true;
    out.length = len;
    pos = next;
  }
  return out;
}

void StreamFramer::compact() {
  if (start_ > 0) {
    buf_.erase(0, start_);
    start_ = 0;
  }
}

}  // namespace parley::sip::transport
