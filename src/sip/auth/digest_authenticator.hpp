// Digest authentication for SIP requests (RFC 3261 §22, RFC 2617, RFC 7616,
// RFC 8760): builds 401/407 challenges and verifies Authorization /
// Proxy-Authorization credentials. Sans-I/O: the caller supplies `now`, the
// client address the nonce is bound to, and an HA1 lookup; results are values
// the caller maps to a response. Owned by the SIP proxy. Thread: core.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "sip/auth/digest_credentials.hpp"
#include "sip/auth/digest_hash.hpp"
#include "sip/auth/nonce_count_table.hpp"
#include "sip/auth/nonce_issuer.hpp"
#include "sip/message/message.hpp"

namespace spdlog { class logger; }

namespace parley::sip::auth {

// Which pair of headers: 401 WWW-Authenticate / Authorization for REGISTER
// (the registrar is the UAS), 407 Proxy-Authenticate / Proxy-Authorization for
// everything the proxy forwards (RFC 3261 §22.3).
enum class ChallengeKind : std::uint8_t { Www, Proxy };

ChallengeKind challenge_kind_for(Method method);
std::string_view challenge_header(ChallengeKind kind);    // "WWW-Authenticate" ...
std::string_view credentials_header(ChallengeKind kind);  // "Authorization" ...
int challenge_status(ChallengeKind kind);                  // 401 or 407

// RFC 2617 §3.2.2.1 / RFC 7616 §3.4.1 request-digest for `creds` (with or
// without qop), lower-case hex. Exposed for tests and for Parley's own UAC.
std::string compute_response(Algorithm algorithm, std::string_view ha1, std::string_view method,
                             const DigestCredentials& creds);

struct DigestConfig {
  std::string realm = "localhost";  // the SIP domain
  Seconds nonce_lifetime{300};
  std::size_t max_tracked_nonces = NonceCountTable::kDefaultCapacity;
  bool offer_sha256 = true;  // offered first (RFC 8760 §2.4)
  bool offer_md5 = true;     // most deployed phones only do MD5
  // RFC 2069 responses (no qop, hence no nc and no replay protection) are
  // refused by default; baresip and linphone both send qop=auth.
  bool accept_rfc2069 = false;
  std::string opaque;  // sent and required back when not empty
  // User-Agent prefixes (case-insensitive) that get an MD5-only challenge.
  // libre 1.x (baresip 1.0.0) fails the whole authentication with ENOSYS on
  // any challenge whose algorithm is not MD5, even when an MD5 one follows.
  std::vector<std::string> md5_only_agents = {"baresip"};
};

// Where HA1 = H(username:realm:password) comes from (the store keeps one per
// algorithm). Must answer synchronously; nullopt for an unknown user.
class Ha1Lookup {
 public:
  virtual ~Ha1Lookup() = default;
  virtual std::optional<std::string> find_ha1(std::string_view username, Algorithm algorithm) = 0;
};

enum class AuthOutcome : std::uint8_t {
  Ok,         // authenticated: `username`
  Missing,    // no Digest credentials for our realm: challenge
  Stale,      // right password, unusable nonce (expired, foreign, nc replayed): stale=true
  Invalid,    // wrong password, unknown user, unsupported algorithm/qop: challenge
  Malformed,  // credentials for us that do not parse: challenge (or 400)
};

std::string_view to_string(AuthOutcome outcome);

struct AuthResult {
  AuthOutcome outcome = AuthOutcome::Missing;
  std::string username;  // Ok: the account; otherwise as claimed (for logs), maybe empty
  Algorithm algorithm = Algorithm::Md5;
  std::string_view reason;  // short static text for logs ("bad-response", "nc-replay" ...)

  bool ok() const { return outcome == AuthOutcome::Ok; }
};

struct Challenge {
  int status = 401;
  std::string_view header_name;     // WWW-Authenticate or Proxy-Authenticate
  std::vector<std::string> values;  // one header per algorithm, SHA-256 first
};

// What makes a request itself rather than another one with the same
// credentials: top Via branch, Call-ID and CSeq. 0 without a branch (an
// RFC 2543 request cannot be told from its replay).
std::uint64_t request_fingerprint(const Message& request);

class DigestAuthenticator {
 public:
  // Fresh random nonce secret; throws at start-up if OpenSSL cannot make one.
  explicit DigestAuthenticator(DigestConfig config);
  // Fixed secret: tests, or nodes that must accept each other's nonces.
  DigestAuthenticator(DigestConfig config, std::string_view secret);
  ~DigestAuthenticator();
  DigestAuthenticator(const DigestAuthenticator&) = delete;
  DigestAuthenticator& operator=(const DigestAuthenticator&) = delete;

  // Verifies the request's credentials header for `kind`. `client` is the
  // request's source IP address (what nonces are bound to).
  AuthResult verify(const Message& request, ChallengeKind kind, std::string_view client,
                    TimePoint now, Ha1Lookup& lookup);
  // The same with the pieces already extracted. `request` fingerprints the
  // request (request_fingerprint(); 0 when there is none) so that its
  // retransmission is accepted again (NonceCountTable).
  AuthResult verify(std::string_view method, const Uri& request_uri,
                    const std::vector<std::string_view>& credentials, std::string_view client,
                    TimePoint now, Ha1Lookup& lookup, std::uint64_t request = 0);

  // Header values for a 401/407; `stale` after an AuthOutcome::Stale.
  // `user_agent` is the request's User-Agent value (for md5_only_agents).
  Challenge challenge(ChallengeKind kind, std::string_view client, TimePoint now,
                      bool stale = false, std::string_view user_agent = {});

  const DigestConfig& config() const { return config_; }
  std::size_t tracked_nonces() const { return counts_.size(); }

 private:
  AuthResult check(std::string_view method, const Uri& request_uri, DigestCredentials& creds,
                   std::string_view client, TimePoint now, Ha1Lookup& lookup,
                   std::uint64_t request);
  AuthResult finish(AuthResult result, std::string_view client);

  DigestConfig config_;
  NonceIssuer nonces_;
  NonceCountTable counts_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace parley::sip::auth
