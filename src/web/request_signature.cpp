#include "web/request_signature.hpp"

#include "web/web_crypto.hpp"

namespace parley::web {

namespace {
constexpr std::string_view kHttpScheme = "PARLEY-HMAC-SHA256";
constexpr std::string_view kWsScheme = "PARLEY-WS";
// A signature is base64url of 32 bytes: 43 characters.
constexpr std::size_t kSignatureChars = 43;
}  // namespace

std::string http_canonical_string(std::string_view method, std::string_view target,
                                  std::string_view timestamp, std::string_view nonce,
                                  std::string_view body) {
  std::string out;
  out.reserve(kHttpScheme.size() + method.size() + target.size() + timestamp.size() +
              nonce.size() + 64 + 5);
  out.append(kHttpScheme).push_back('\n');
  for (char c : method) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  out.push_back('\n');
  out.append(target).push_back('\n');
  out.append(timestamp).push_back('\n');
  out.append(nonce).push_back('\n');
  out.append(crypto::sha256_hex(body));
  return out;
}

std::string ws_canonical_string(std::string_view session_id, std::string_view seq,
                                std::string_view json) {
  std::string out;
  out.reserve(kWsScheme.size() + session_id.size() + seq.size() + 64 + 3);
  out.append(kWsScheme).push_back('\n');
  out.append(session_id).push_back('\n');
  out.append(seq).push_back('\n');
  out.append(crypto::sha256_hex(json));
  return out;
}

std::string sign_canonical(std::string_view key, std::string_view canonical) {
  return crypto::base64url_encode(crypto::hmac_sha256(key, canonical));
}

bool verify_signature(std::string_view key, std::string_view canonical,
                      std::string_view signature) {
  if (signature.size() != kSignatureChars) return false;
  const auto given = crypto::base64url_decode(signature);
  if (!given) return false;
  return crypto::equal_constant_time(crypto::hmac_sha256(key, canonical), *given);
}

std::variant<WsFrame, WsFrameError> parse_ws_frame(std::string_view text) {
  constexpr std::uint64_t kMaxSeq = (std::uint64_t{1} << 53) - 1;
  const auto sp1 = text.find(' ');
  if (sp1 == std::string_view::npos) return WsFrameError{};
  WsFrame f;
  f.seq_text = text.substr(0, sp1);
  const auto seq = parse_decimal(f.seq_text, kMaxSeq);
  if (!seq || *seq == 0) return WsFrameError{};
  f.seq = *seq;
  const auto sp2 = text.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return WsFrameError{f.seq};
  f.signature = text.substr(sp1 + 1, sp2 - sp1 - 1);
  f.json = text.substr(sp2 + 1);
  if (f.signature.size() != kSignatureChars || f.json.empty()) return WsFrameError{f.seq};
  return f;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (d > max) return std::nullopt;
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

}  // namespace parley::web
