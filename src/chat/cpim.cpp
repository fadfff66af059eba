#include "chat/cpim.hpp"

#include <chrono>
#include <cstdio>

#include "base/strings.hpp"

namespace parley::chat {

namespace {

bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// Header values never carry line breaks or other control characters.
std::string clean(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (!is_control(c)) out += c;
  }
  return out;
}

// RFC 3862 3.1: Formal-name as a quoted String; '"' and '\' escaped.
void append_address(std::string& out, const CpimAddress& a) {
  const std::string name = clean(a.display_name);
  if (!name.empty()) {
    out += '"';
    for (char c : name) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += "\" ";
  }
  out += '<';
  for (char c : clean(a.uri)) {
    if (c != '<' && c != '>' && c != ' ') out += c;  // a URI has none of these
  }
  out += '>';
}

}  // namespace

std::string encode_cpim(const CpimMessage& m) {
  std::string out;
  out.reserve(m.body.size() + 256);
  out += "From: ";
  append_address(out, m.from);
  out += "\r\n";
  if (!m.to.uri.empty()) {
    out += "To: ";
    append_address(out, m.to);
    out += "\r\n";
  }
  if (m.datetime_ms) out += "DateTime: " + format_datetime(*m.datetime_ms) + "\r\n";
  if (!m.subject.empty()) out += "Subject: " + clean(m.subject) + "\r\n";
  out += "\r\nContent-Type: ";
  // Cleaned first: a type of control characters only would be an empty header.
  const std::string type(trim(clean(m.content_type)));
  out += type.empty() ? std::string("text/plain;charset=utf-8") : type;
  out += "\r\n\r\n";
  out += m.body;
  return out;
}

std::string format_datetime(std::int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(unix_ms)};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

namespace {

// Reads exactly `n` digits at `pos`.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || (s[pos] != c && !(c == 'T' && (s[pos] == 't' || s[pos] == ' ')))) {
    return false;
  }
  ++pos;
  return true;
}

// The zone at the end: Z, or +hh:mm / -hh:mm; offset in minutes.
std::optional<int> zone(std::string_view s, std::size_t& pos) {
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
    return 0;
  }
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return std::nullopt;
  const int sign = s[pos++] == '-' ? -1 : 1;
  auto hh = digits(s, pos, 2);
  if (!hh || !expect(s, pos, ':')) return std::nullopt;
  auto mm = digits(s, pos, 2);
  if (!mm || *hh > 23 || *mm > 59) return std::nullopt;
  return sign * (*hh * 60 + *mm);
}

}  // namespace

// 9999-12-31T23:59:59.999Z
constexpr std::int64_t kLastMs = 253402300799999;

std::optional<std::int64_t> parse_datetime(std::string_view s) {
  using namespace std::chrono;
  s = trim(s);
  std::size_t p = 0;
  auto y = digits(s, p, 4);
  if (!y || !expect(s, p, '-')) return std::nullopt;
  auto mo = digits(s, p, 2);
  if (!mo || !expect(s, p, '-')) return std::nullopt;
  auto d = digits(s, p, 2);
  if (!d || !expect(s, p, 'T')) return std::nullopt;
  auto h = digits(s, p, 2);
  if (!h || !expect(s, p, ':')) return std::nullopt;
  auto mi = digits(s, p, 2);
  if (!mi || !expect(s, p, ':')) return std::nullopt;
  auto sec = digits(s, p, 2);
  if (!sec || *h > 23 || *mi > 59 || *sec > 60) return std::nullopt;  // 60: leap second
  int ms = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    std::size_t n = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9' && n < 9) {
      if (n < 3) ms = ms * 10 + (s[p] - '0');
      ++p;
      ++n;
    }
    if (n == 0) return std::nullopt;
    for (std::size_t i = n; i < 3; ++i) ms *= 10;
  }
  auto offset = zone(s, p);
  if (!offset || p != s.size()) return std::nullopt;
  const year_month_day ymd{year(*y), month(static_cast<unsigned>(*mo)),
                           day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  const auto t =
      sys_days(ymd) + hours(*h) + minutes(*mi - *offset) + seconds(*sec) + milliseconds(ms);
  const std::int64_t unix_ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  // Only times format_datetime() writes back the same way: 1970 to 9999.
  if (unix_ms < 0 || unix_ms > kLastMs) return std::nullopt;
  return unix_ms;
}

}  // namespace parley::chat
