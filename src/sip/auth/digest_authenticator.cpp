#include "sip/auth/digest_authenticator.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>

#include "base/log.hpp"
#include "base/strings.hpp"

namespace parley::sip::auth {

namespace {

// At most this many credentials headers are looked at; more is an attack.
constexpr std::size_t kMaxCredentialValues = 8;

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

bool default_port_pair(std::uint16_t a, std::uint16_t b) {
  return (a == 0 && (b == 5060 || b == 5061)) || (b == 0 && (a == 5060 || a == 5061));
}

// user@host:port of a SIP digest uri (after "scheme:") against the Request-URI.
bool sip_rest_matches(std::string_view rest, const Uri& request_uri) {
  rest = rest.substr(0, std::min(rest.find(';'), rest.find('?')));
  std::string_view user;
  const std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    user = rest.substr(0, at);
    user = user.substr(0, user.find(':'));  // drop a password
    rest = rest.substr(at + 1);
  }
  std::string_view host = rest;
  std::uint16_t port = 0;
  const std::size_t bracket = rest.rfind(']');
  const std::size_t port_colon = rest.rfind(':');
  if (port_colon != std::string_view::npos &&
      (bracket == std::string_view::npos || port_colon > bracket)) {
    host = rest.substr(0, port_colon);
    auto p = parse_uint(rest.substr(port_colon + 1), 65535);
    if (!p) return false;
    port = static_cast<std::uint16_t>(*p);
  }
  return user == request_uri.user && iequals(host, request_uri.host) &&
         (port == request_uri.port || default_port_pair(port, request_uri.port));
}

// RFC 3261 §22.4 wants the digest uri to be the Request-URI. Clients and
// serializers may spell it differently (parameter order, host case, a
// default port), so compare scheme, user, host and port only.
bool uri_matches_parts(std::string_view text, const Uri& request_uri) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  if (!iequals(text.substr(0, colon), request_uri.scheme)) return false;
  std::string_view rest = text.substr(colon + 1);
  if (!request_uri.is_sip()) return iequals(rest, request_uri.opaque);
  if (sip_rest_matches(rest, request_uri)) return true;
  // SIPp's -auth_uri X sends uri="sip:X", so "-auth_uri sip:example.com"
  // (as in the reference benchmark) gives "sip:sip:example.com". The
  // repeated scheme names the same resource; the digest still covers the
  // text as sent and the nonce count still stops replays.
  const std::string_view scheme = text.substr(0, colon + 1);
  return rest.size() > scheme.size() && iequals(rest.substr(0, scheme.size()), scheme) &&
         sip_rest_matches(rest.substr(scheme.size()), request_uri);
}

// The parts first: serializing the Request-URI for the exact comparison
// costs an allocation per authenticated request, and rarely decides.
bool uri_matches(std::string_view text, const Uri& request_uri) {
  return uri_matches_parts(text, request_uri) || text == request_uri.to_string();
}

std::optional<Algorithm> algorithm_of(std::string_view name) {
  if (name.empty() || iequals(name, "MD5")) return Algorithm::Md5;  // RFC 2617 §3.2.1
  if (iequals(name, "SHA-256")) return Algorithm::Sha256;
  return std::nullopt;  // -sess variants and others are not offered
}

}  // namespace

std::string compute_response(Algorithm alg, std::string_view ha1, std::string_view method,
                             const DigestCredentials& c) {
  std::string buf;
  buf.reserve(method.size() + c.uri.size() + 1);
  buf.append(method).append(":").append(c.uri);
  const std::string ha2 = digest_hex(alg, buf);
  buf.clear();
  buf.reserve(ha1.size() + c.nonce.size() + c.nc_text.size() + c.cnonce.size() + c.qop.size() +
              ha2.size() + 5);
  buf.append(ha1).append(":").append(c.nonce).append(":");
  if (!c.qop.empty()) {
    // RFC 2617 §3.2.2.1: request-digest with qop=auth.
    buf.append(c.nc_text).append(":").append(c.cnonce).append(":").append(c.qop).append(":");
  }
  buf.append(ha2);
  return digest_hex(alg, buf);
}

namespace {

bool same_hex(std::string_view expected, std::string& given) {
  if (expected.size() != given.size()) return false;
  for (auto& ch : given) {
    if (ch >= 'A' && ch <= 'F') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

}  // namespace

ChallengeKind challenge_kind_for(Method method) {
  return method == Method::Register ? ChallengeKind::Www : ChallengeKind::Proxy;
}

std::string_view challenge_header(ChallengeKind kind) {
  return kind == ChallengeKind::Www ? "WWW-Authenticate" : "Proxy-Authenticate";
}

std::string_view credentials_header(ChallengeKind kind) {
  return kind == ChallengeKind::Www ? "Authorization" : "Proxy-Authorization";
}

int challenge_status(ChallengeKind kind) { return kind == ChallengeKind::Www ? 401 : 407; }

std::string_view to_string(AuthOutcome outcome) {
  switch (outcome) {
    case AuthOutcome::Ok: return "ok";
    case AuthOutcome::Missing: return "missing";
    case AuthOutcome::Stale: return "stale";
    case AuthOutcome::Invalid: return "invalid";
    case AuthOutcome::Malformed: return "malformed";
  }
  return "?";
}

DigestAuthenticator::DigestAuthenticator(DigestConfig config)
    : config_(std::move(config)),
      nonces_(config_.nonce_lifetime),
      counts_(config_.max_tracked_nonces),
      log_(log::get("sip.auth")) {}

DigestAuthenticator::DigestAuthenticator(DigestConfig config, std::string_view secret)
    : config_(std::move(config)),
      nonces_(config_.nonce_lifetime, secret),
      counts_(config_.max_tracked_nonces),
      log_(log::get("sip.auth")) {}

DigestAuthenticator::~DigestAuthenticator() = default;

Challenge DigestAuthenticator::challenge(ChallengeKind kind, std::string_view client,
                                         TimePoint now, bool stale, std::string_view user_agent) {
  Challenge ch;
  ch.status = challenge_status(kind);
  ch.header_name = challenge_header(kind);
  // One nonce serves both algorithms: it is not tied to one (RFC 7616 §3.3).
  const std::string nonce = nonces_.issue(client, now);
  auto make = [&](Algorithm alg) {
    std::string v;
    v.reserve(160 + config_.realm.size() + config_.opaque.size());
    v.append("Digest realm=");
    append_quoted(v, config_.realm);
    v.append(", nonce=\"").append(nonce).append("\"");
    if (!config_.opaque.empty()) {
      v.append(", opaque=");
      append_quoted(v, config_.opaque);
    }
    v.append(", algorithm=").append(to_string(alg)).append(", qop=\"auth\"");
    if (stale) v.append(", stale=true");
    ch.values.push_back(std::move(v));
  };
  const bool md5_only =
      config_.offer_md5 &&
      std::any_of(config_.md5_only_agents.begin(), config_.md5_only_agents.end(),
                  [&](const std::string& p) { return istarts_with(trim(user_agent), p); });
  // RFC 8760 §2.4: challenges in order of preference, strongest first.
  if (config_.offer_sha256 && !md5_only) make(Algorithm::Sha256);
  if (config_.offer_md5) make(Algorithm::Md5);
  return ch;
}

AuthResult DigestAuthenticator::verify(const Message& request, ChallengeKind kind,
                                       std::string_view client, TimePoint now,
                                       Ha1Lookup& lookup) {
  const std::string_view method =
      request.method_text.empty() ? to_string(request.method) : std::string_view(request.method_text);
  return verify(method, request.request_uri, request.header_values(credentials_header(kind)),
                client, now, lookup, request_fingerprint(request));
}

std::uint64_t request_fingerprint(const Message& request) {
  if (request.vias.empty()) return 0;
  const Param* branch = request.vias.front().params.find("branch");
  if (branch == nullptr || branch->value.empty()) return 0;
  // Parts hashed apart and mixed (no joined copy): equal only for the same
  // branch, Call-ID and CSeq, as far as a 64-bit hash can tell.
  const std::hash<std::string_view> hash;
  std::uint64_t h = hash(branch->value);
  h = (h ^ hash(request.call_id)) * 0x9e3779b97f4a7c15ull;
  h = (h ^ request.cseq.number) * 0xff51afd7ed558ccdull;
  return h == 0 ? 1 : h;
}

AuthResult DigestAuthenticator::verify(std::string_view method, const Uri& request_uri,
                                       const std::vector<std::string_view>& credentials,
                                       std::string_view client, TimePoint now,
                                       Ha1Lookup& lookup, std::uint64_t request) {
  bool malformed = false;
  const std::size_t n = std::min(credentials.size(), kMaxCredentialValues);
  for (std::size_t i = 0; i < n; ++i) {
    auto parsed = parse_digest_credentials(credentials[i]);
    if (!parsed) {
      // Another scheme is ignored (RFC 4475 §3.1.2.? regaut01); a broken
      // Digest value may still be followed by a good one for our realm.
      if (parsed.error() == CredentialsError::Malformed) malformed = true;
      continue;
    }
    // RFC 3261 §22.3: credentials for other realms belong to other proxies.
    if (parsed->realm != config_.realm) continue;
    return finish(check(method, request_uri, parsed.value(), client, now, lookup, request), client);
  }
  AuthResult r;
  r.outcome = malformed ? AuthOutcome::Malformed : AuthOutcome::Missing;
  r.reason = malformed ? "malformed" : "no-credentials";
  return finish(std::move(r), client);
}

AuthResult DigestAuthenticator::check(std::string_view method, const Uri& request_uri,
                                      DigestCredentials& creds, std::string_view client,
                                      TimePoint now, Ha1Lookup& lookup, std::uint64_t request) {
  AuthResult r;
  r.username = creds.username;
  r.outcome = AuthOutcome::Invalid;
  const auto alg = algorithm_of(creds.algorithm);
  if (!alg || (*alg == Algorithm::Md5 && !config_.offer_md5) ||
      (*alg == Algorithm::Sha256 && !config_.offer_sha256)) {
    r.reason = "algorithm";
    return r;
  }
  r.algorithm = *alg;
  if (creds.userhash) return r.reason = "userhash", r;
  if (creds.qop.empty() ? !config_.accept_rfc2069 : !iequals(creds.qop, "auth")) {
    return r.reason = "qop", r;
  }
  if (!config_.opaque.empty() && (!creds.has_opaque || creds.opaque != config_.opaque)) {
    return r.reason = "opaque", r;
  }
  if (!uri_matches(creds.uri, request_uri)) return r.reason = "uri-mismatch", r;
  const auto ha1 = lookup.find_ha1(creds.username, *alg);
  if (!ha1) return r.reason = "unknown-user", r;
  if (!same_hex(compute_response(*alg, *ha1, method, creds), creds.response)) {
    return r.reason = "bad-response", r;
  }
  // The client knows the password. RFC 7616 §3.3: a nonce that is not
  // acceptable now, with a valid digest, earns stale=true rather than a
  // prompt for the password (a restart changes the secret, too).
  const NonceCheck nonce = nonces_.check(creds.nonce, client, now);
  r.outcome = AuthOutcome::Stale;
  if (nonce.status == NonceStatus::Invalid) return r.reason = "nonce-foreign", r;
  if (nonce.status == NonceStatus::Stale) return r.reason = "nonce-expired", r;
  if (!creds.qop.empty()) {
    const std::int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    switch (counts_.judge(nonce, creds.nc, request, now_ms)) {
      case NonceCountVerdict::Replay: return r.reason = "nc-replay", r;
      case NonceCountVerdict::Forgotten: return r.reason = "nc-forgotten", r;
      case NonceCountVerdict::Retransmission: break;  // accepted before: answer it again
      case NonceCountVerdict::Fresh: counts_.record(nonce, creds.nc, request, now_ms); break;
    }
  }
  r.outcome = AuthOutcome::Ok;
  r.reason = "ok";
  return r;
}

AuthResult DigestAuthenticator::finish(AuthResult result, std::string_view client) {
  switch (result.outcome) {
    case AuthOutcome::Ok:
    case AuthOutcome::Missing:
      break;
    case AuthOutcome::Stale:
      // Expiry is routine; everything else may be an attack.
      if (result.reason == "nonce-expired") {
        log_->debug("auth stale user={} client={}", result.username, client);
        break;
      }
      [[fallthrough]];
    case AuthOutcome::Invalid:
    case AuthOutcome::Malformed:
      log_->info("auth failed user={} reason={} client={}", result.username, result.reason,
                 client);
      break;
  }
  return result;
}

}  // namespace parley::sip::auth
