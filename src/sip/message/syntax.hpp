// Internal to parley_sip_message: RFC 3261 §25 character classes and the small
// scanners shared by the URI, header and message parsers. Not for other modules.
// Thread: any (pure functions).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/message/message.hpp"

namespace parley::sip::detail {

// Bit flags per byte, built at compile time so every test is one table load.
enum CharClass : std::uint8_t {
  kToken = 1,      // RFC 3261 §25.1 token
  kHost = 2,       // hostname / IPv4 characters (plus '_', seen in practice)
  kUriChar = 4,    // printable ASCII allowed somewhere in a SIP URI
  kParamValue = 8, // unquoted header parameter value (token / host / IPv6)
  kScheme = 16,    // ALPHA / DIGIT / "+" / "-" / "."
};

constexpr std::array<std::uint8_t, 256> make_char_table() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    std::uint8_t f = 0;
    std::string_view token_extra = "-.!%*_+`'~";
    if (alnum || (c < 128 && token_extra.find(static_cast<char>(c)) != std::string_view::npos)) {
      f |= kToken;
    }
    if (alnum || c == '-' || c == '.' || c == '_') f |= kHost;
    if (c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"' && c != ' ') f |= kUriChar;
    // Unquoted parameter values: token characters plus the host/IPv6 ones.
    if ((f & kToken) || c == ':' || c == '[' || c == ']' || c == '/' || c == '@' || c == '=' ||
        c == '?' || c == '&' || c == '$' || c == '(' || c == ')' || c == '{' || c == '}' ||
        c >= 0x80) {
      f |= kParamValue;
    }
    if (alnum || c == '+' || c == '-' || c == '.') f |= kScheme;
    t[static_cast<std::size_t>(c)] = f;
  }
  return t;
}

inline constexpr std::array<std::uint8_t, 256> kCharTable = make_char_table();

inline bool has_class(char c, CharClass k) {
  return (kCharTable[static_cast<unsigned char>(c)] & k) != 0;
}
inline bool is_token_char(char c) { return has_class(c, kToken); }
inline bool is_ws(char c) { return c == ' ' || c == '\t'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline std::string_view trim_ws(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

inline bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

// Index just past the quoted-string starting at s[pos] == '"', or npos when
// it is not terminated. Quoted-pairs (RFC 3261 §25.1) are skipped over.
std::size_t skip_quoted(std::string_view s, std::size_t pos);

// host = hostname / IPv4address / IPv6reference ("[...]"): the length of the
// host at the start of `s`, 0 if there is none.
std::size_t scan_host(std::string_view s);

// Calls f(item) for each comma-separated element of a list header value, with
// commas inside quoted strings and <...> ignored. Items are trimmed. Returns
// false (stopping early) if f returns false or the quoting is unbalanced.
template <typename F>
bool for_each_list_item(std::string_view v, F&& f) {
  std::size_t start = 0;
  std::size_t i = 0;
  bool in_angle = false;
  while (i < v.size()) {
    char c = v[i];
    if (c == '"') {
      i = skip_quoted(v, i);
      if (i == std::string_view::npos) return false;
      continue;
    }
    if (c == '<') in_angle = true;
    else if (c == '>') in_angle = false;
    else if (c == ',' && !in_angle) {
      if (!f(trim_ws(v.substr(start, i - start)))) return false;
      start = i + 1;
    }
    ++i;
  }
  if (in_angle) return false;
  return f(trim_ws(v.substr(start)));
}

// Header parameters: `*( SEMI generic-param )` with LWS allowed around ';' and
// '='. Quoted values keep their quotes. False on any syntax error, an empty
// name or an empty value after '='.
bool parse_header_params(std::string_view text, Params& out);
// URI parameters `*( ";" pname [ "=" pvalue ] )`, no LWS (RFC 3261 §19.1.1).
bool parse_uri_params(std::string_view text, Params& out);

// Header names the stack keeps typed in Message.
enum class HeaderId : std::uint8_t {
  Other, Via, From, To, CallId, CSeq, MaxForwards, Contact, Route, RecordRoute,
  Expires, ContentType, ContentLength,
};

HeaderId classify_header(std::string_view name);
// The canonical long spelling for a known header (compact forms expanded),
// otherwise `name` itself.
std::string_view canonical_header_name(std::string_view name);

// Parses one typed header value into `m`, appending for list headers and
// replacing for single ones. ParseError status is filled on failure.
bool apply_typed_header(Message& m, HeaderId id, std::string_view value,
                        std::size_t max_list_values, int& error_status, std::string& reason);

// parse_uri / parse_name_addr filling a default-constructed `out` in place
// (a Uri or NameAddr moved out of a Result and into the Message costs a copy
// of every short string). Null on success, else why (always a 400).
const char* parse_uri_into(std::string_view text, Uri& out);
const char* parse_name_addr_into(std::string_view text, NameAddr& out);

// Via and CSeq value parsers (used by apply_typed_header and tests).
bool parse_via_value(std::string_view text, Via& out);

// Appends `text` as a quoted-string, escaping what qdtext cannot carry.
void append_quoted(std::string& out, std::string_view text);

}  // namespace parley::sip::detail
