#include "sip/auth/digest_credentials.hpp"

#include <array>
#include <optional>

#include "base/strings.hpp"

namespace parley::sip::auth {

namespace {

// Character classes as one table lookup each: the lexer runs over every
// byte of every Authorization header, about 250 per REGISTER.
enum CharClass : std::uint8_t { kLws = 1, kToken = 2, kPlainQuoted = 4 };

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t v = 0;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') v |= kLws;
    // RFC 3261 §25.1 token characters.
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) v |= kToken;
    for (char t2 : {'-', '.', '!', '%', '*', '_', '+', '`', '\'', '~'}) {
      if (c == t2) v |= kToken;
    }
    // Inside a quoted-string: anything but the closing quote, a quoted-pair's
    // backslash, and control characters other than HTAB.
    if (c != '"' && c != '\\' && (c >= 0x20 || c == '\t') && c != 0x7f) v |= kPlainQuoted;
    t[static_cast<std::size_t>(c)] = v;
  }
  return t;
}

constexpr std::array<std::uint8_t, 256> kClasses = make_classes();

bool has(char c, CharClass k) { return (kClasses[static_cast<unsigned char>(c)] & k) != 0; }
bool is_lws(char c) { return has(c, kLws); }
bool is_token_char(char c) { return has(c, kToken); }
bool plain_quoted_char(char c) { return has(c, kPlainQuoted); }

// A cursor over the header value; every method stops at the end.
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }
  void advance() { ++pos_; }

  // Returns whether any whitespace was skipped.
  bool skip_lws() {
    const std::size_t start = pos_;
    while (!done() && is_lws(peek())) ++pos_;
    return pos_ != start;
  }

  std::string_view token() {
    const std::size_t start = pos_;
    while (!done() && is_token_char(peek())) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // RFC 3261 §25.1 quoted-string with quoted-pair; the opening quote is at
  // the cursor. Control characters other than HTAB are refused.
  bool quoted(std::string& out, std::size_t max_length) {
    ++pos_;  // opening quote
    // The usual value (a nonce, a response) has no quoted-pair: one copy,
    // not a push_back per character.
    std::size_t end = pos_;
    while (end < s_.size() && plain_quoted_char(s_[end])) ++end;
    if (end < s_.size() && s_[end] == '"') {
      if (end - pos_ > max_length) return false;
      out.assign(s_.substr(pos_, end - pos_));
      pos_ = end + 1;
      return true;
    }
    while (!done()) {
      char c = peek();
      ++pos_;
      if (c == '"') return true;
      if (c == '\\') {
        if (done()) return false;
        c = peek();
        ++pos_;
        if (c == '\r' || c == '\n') return false;
      } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
        return false;
      }
      if (out.size() >= max_length) return false;
      out.push_back(c);
    }
    return false;  // unterminated
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

enum Field : std::uint8_t {
  kUsername, kRealm, kNonce, kUri, kResponse, kAlgorithm, kCnonce, kOpaque, kQop, kNc,
  kUserhash, kFieldCount, kUnknown = kFieldCount,
};

Field field_of(std::string_view name) {
  static constexpr std::array<std::string_view, kFieldCount> kNames = {
      "username", "realm", "nonce", "uri", "response", "algorithm",
      "cnonce", "opaque", "qop", "nc", "userhash"};
  // Each request carries about ten parameters: compare only names of the
  // same length and first letter.
  if (name.empty()) return kUnknown;
  const char first = static_cast<char>(name[0] | 0x20);
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i].size() == name.size() && kNames[i][0] == first && iequals(name, kNames[i])) {
      return static_cast<Field>(i);
    }
  }
  return kUnknown;
}

std::string* slot_of(DigestCredentials& c, Field f, std::string& scratch) {
  switch (f) {
    case kUsername: return &c.username;
    case kRealm: return &c.realm;
    case kNonce: return &c.nonce;
    case kUri: return &c.uri;
    case kResponse: return &c.response;
    case kAlgorithm: return &c.algorithm;
    case kCnonce: return &c.cnonce;
    case kOpaque: return &c.opaque;
    case kQop: return &c.qop;
    case kNc: return &c.nc_text;
    default: return &scratch;  // userhash and unknown parameters
  }
}

std::optional<std::uint32_t> parse_nc(std::string_view s) {
  // RFC 2617 §3.2.2: nc-value = 8LHEX.
  if (s.size() != 8) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s) {
    int d = 0;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    v = (v << 4) | static_cast<std::uint32_t>(d);
  }
  return v;
}

// Checks the fields every Digest response needs (RFC 2617 §3.2.2).
bool complete(DigestCredentials& c) {
  if (c.username.empty() || c.nonce.empty() || c.uri.empty() || c.response.empty()) return false;
  if (c.qop.empty()) return c.cnonce.empty() && c.nc_text.empty();
  if (c.cnonce.empty()) return false;
  auto nc = parse_nc(c.nc_text);
  if (!nc) return false;
  c.nc = *nc;
  return true;
}

}  // namespace

Result<DigestCredentials, CredentialsError> parse_digest_credentials(
    std::string_view value, const CredentialsLimits& limits) {
  if (value.size() > limits.max_value_length) return fail(CredentialsError::Malformed);
  Lexer lex(value);
  lex.skip_lws();
  const std::string_view scheme = lex.token();
  if (scheme.empty()) return fail(CredentialsError::Malformed);
  if (!iequals(scheme, "Digest")) return fail(CredentialsError::NotDigest);
  if (!lex.skip_lws()) return fail(CredentialsError::Malformed);

  DigestCredentials creds;
  std::array<bool, kFieldCount + 1> seen{};
  std::string scratch;
  std::size_t count = 0;
  while (!lex.done()) {
    if (lex.peek() == ',') {  // empty list elements are allowed (RFC 7230 §7)
      lex.advance();
      lex.skip_lws();
      continue;
    }
    if (++count > limits.max_params) return fail(CredentialsError::Malformed);
    const std::string_view name = lex.token();
    lex.skip_lws();
    if (name.empty() || lex.done() || lex.peek() != '=') return fail(CredentialsError::Malformed);
    lex.advance();
    lex.skip_lws();
    if (lex.done()) return fail(CredentialsError::Malformed);

    const Field field = field_of(name);
    if (field != kUnknown && seen[field]) return fail(CredentialsError::Malformed);
    seen[field] = true;
    scratch.clear();
    std::string* out = slot_of(creds, field, scratch);
    if (lex.peek() == '"') {
      if (!lex.quoted(*out, limits.max_param_length)) return fail(CredentialsError::Malformed);
    } else {
      const std::string_view tok = lex.token();
      if (tok.empty() || tok.size() > limits.max_param_length) {
        return fail(CredentialsError::Malformed);
      }
      out->assign(tok);
    }
    if (field == kOpaque) creds.has_opaque = true;
    if (field == kUserhash) creds.userhash = iequals(scratch, "true");
    lex.skip_lws();
    if (!lex.done() && lex.peek() != ',') return fail(CredentialsError::Malformed);
  }
  if (!complete(creds)) return fail(CredentialsError::Malformed);
  return creds;
}

}  // namespace parley::sip::auth
