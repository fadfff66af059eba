// web::Api, HTTP half: login, logout, session, users, version, and the
// checks of signed requests (protocol/api.md).
#include <boost/json.hpp>

#include <cstdlib>

#include "base/strings.hpp"
#include "web/api.hpp"
#include "web/api_codec.hpp"
#include "web/api_impl.hpp"
#include "web/web_crypto.hpp"

namespace parley::web {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxUserChars = 128;
constexpr std::size_t kMaxPasswordBytes = 1024;
// JavaScript's Number.MAX_SAFE_INTEGER: the largest timestamp or seq both sides agree on.
constexpr std::uint64_t kMaxSafeInteger = (std::uint64_t{1} << 53) - 1;

json::value user_value(const UserInfo& u) {
  return json::object{{"name", u.name}, {"display_name", u.display_name}, {"uri", u.uri}};
}

struct LoginBody {
  std::string user;
  std::string password;
};

Result<LoginBody, std::string> parse_login(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 8;
  const json::value v = json::parse(body, ec, {}, opts);
  if (ec || !v.is_object()) return fail(std::string("body: not a JSON object"));
  const json::object& o = v.get_object();
  const json::value* user = o.if_contains("user");
  const json::value* password = o.if_contains("password");
  if (user == nullptr || !user->is_string()) return fail(std::string("user: missing"));
  if (password == nullptr || !password->is_string()) return fail(std::string("password: missing"));
  const json::string& u = user->get_string();
  const json::string& p = password->get_string();
  if (u.empty() || u.size() > kMaxUserChars) return fail(std::string("user: bad length"));
  if (p.empty() || p.size() > kMaxPasswordBytes) return fail(std::string("password: bad length"));
  return LoginBody{std::string(u), std::string(p)};
}

// `ip` is the connection's peer as the socket gave it (an IP literal).
bool is_loopback(std::string_view ip) {
  return ip.starts_with("127.") || ip == "::1" || ip.starts_with("::ffff:127.");
}

HttpResponse not_allowed() {
  return error_response(405, "method_not_allowed", "method not allowed on this path");
}

}  // namespace

void Api::on_request(HttpRequest request, std::function<void(HttpResponse)> respond) {
  // `respond` exactly once, even if something below throws after answering.
  auto answered = std::make_shared<bool>(false);
  std::function<void(HttpResponse)> once = [answered, respond](HttpResponse r) {
    if (*answered) return;
    *answered = true;
    respond(std::move(r));
  };
  try {
    impl_->handle_request(request, once);
  } catch (const std::exception& e) {
    impl_->log->error("event=internal where=on_request path={} what={}",
                      loggable(request.path()), e.what());
    once(error_response(500, "internal", "internal error"));
  }
}

void Api::Impl::handle_request(const HttpRequest& request,
                               const std::function<void(HttpResponse)>& respond) {
  const std::string_view path = request.path();
  const std::string_view method = request.method;
  if (path == "/api/v1/login") {
    if (method != "POST") return respond(not_allowed());
    return login(request, respond);
  }
  if (path == "/api/v1/version") {
    if (method != "GET") return respond(not_allowed());
    return respond(json_response(
        200, json::serialize(json::object{{"api", 1}, {"server", config.server_name}})));
  }
  if (path == "/metrics") return respond(metrics(request));
  if (path == "/api/v1/ws") {
    if (method != "GET") return respond(not_allowed());
    return respond(error_response(400, "bad_request", "WebSocket upgrade required"));
  }
  const bool is_post = path == "/api/v1/logout";
  if (is_post || path == "/api/v1/session" || path == "/api/v1/users") {
    if (method != (is_post ? "POST" : "GET")) return respond(not_allowed());
    return respond(signed_endpoint(request, path));
  }
  if (chat_request(request, respond)) return;
  respond(error_response(404, "not_found", "no such API path"));
}

HttpResponse Api::Impl::metrics(const HttpRequest& request) {
  // Operational detail for the host's own scraper, not for the browsers
  // this listener serves: others are told there is nothing here.
  if (!is_loopback(request.client_ip)) return error_response(404, "not_found", "no such path");
  if (request.method != "GET") return not_allowed();
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = delegate.metrics();
  return r;
}

void Api::Impl::login(const HttpRequest& request,
                      const std::function<void(HttpResponse)>& respond) {
  if (closing) return respond(error_response(503, "unavailable", "server shutting down"));
  auto body = parse_login(request.body);
  if (!body) return respond(error_response(400, "bad_request", body.error()));
  if (sessions.full()) {
    log->warn("event=login-refused reason=max_sessions addr={}", loggable(request.client_ip));
    return respond(error_response(503, "unavailable", "too many sessions"));
  }
  // Names are compared without case by the account limiter, so changing the
  // case of a name does not buy more guesses.
  const auto wait = limiter.try_acquire(request.client_ip, to_lower(body->user), now());
  if (wait.count() > 0) {
    ++stats.logins_limited;
    std::uint64_t suppressed = 0;
    if (log_budget.allow(now(), suppressed)) {
      log->warn("event=login-limited user={} addr={} suppressed_before={}", loggable(body->user),
                loggable(request.client_ip), suppressed);
    }
    return respond(error_response(429, "rate_limited", "too many failed logins", wait.count()));
  }
  std::string user = body->user;
  delegate.check_password(
      body->user, std::move(body->password),
      [self = self, user, ip = request.client_ip, ua = std::string(request.header("user-agent")),
       respond](std::optional<UserInfo> found) {
        Impl* impl = *self;
        if (impl == nullptr) return respond(error_response(503, "unavailable", "server stopped"));
        try {
          impl->finish_login(user, ip, ua, found, respond);
        } catch (const std::exception& e) {
          impl->log->error("event=internal where=login what={}", e.what());
          respond(error_response(500, "internal", "internal error"));
        }
      });
}

void Api::Impl::finish_login(const std::string& user, const std::string& client_ip,
                             const std::string& user_agent, const std::optional<UserInfo>& found,
                             const std::function<void(HttpResponse)>& respond) {
  if (!found) {
    // The token taken before the check stays taken: this is the counted failure.
    ++stats.logins_failed;
    std::uint64_t suppressed = 0;
    if (log_budget.allow(now(), suppressed)) {
      log->warn("event=login-failed user={} addr={} suppressed_before={}", loggable(user),
                loggable(client_ip), suppressed);
    }
    return respond(error_response(401, "bad_credentials", "unknown user or wrong password"));
  }
  limiter.refund(client_ip, to_lower(user), now());
  if (closing) return respond(error_response(503, "unavailable", "server shutting down"));
  WebSession* s = sessions.create(*found, client_ip, user_agent, now());
  if (s == nullptr) return respond(error_response(503, "unavailable", "too many sessions"));
  ++stats.logins_ok;
  log->info("event=login-ok user={} addr={} session={}", loggable(found->name),
            loggable(client_ip), id_prefix(s->public_id));
  const auto idle_s = config.idle_timeout.count();
  const auto max_age_s = config.max_age.count();
  respond(json_response(
      200, json::serialize(json::object{
               {"session_id", s->public_id},
               {"session_key", crypto::base64url_encode(s->key_bytes())},
               {"user", user_value(s->user)},
               {"idle_timeout_s", idle_s},
               {"max_age_s", max_age_s},
               {"server_time_ms", wall_ms()}})));
}

SignedInput signed_input_of(const HttpRequest& request) {
  return SignedInput{request.method,
                     request.target,
                     request.body,
                     request.client_ip,
                     request.header("user-agent"),
                     {request.header("x-parley-session"), request.header("x-parley-timestamp"),
                      request.header("x-parley-nonce"), request.header("x-parley-signature")}};
}

HttpResponse Api::Impl::signed_endpoint(const HttpRequest& request, std::string_view path) {
  auto checked = check_signed(signed_input_of(request));
  if (!checked) return refusal_response(checked.error());
  WebSession& s = *checked.value();

  if (path == "/api/v1/logout") {
    log->info("event=logout session={} user={}", id_prefix(s.public_id), loggable(s.user.name));
    end_session(s.id, 4001, "logged_out");
    return json_response(200, "{}");
  }
  if (path == "/api/v1/session") {
    // The session ends at max_age after login at the latest (idle may end it sooner).
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        s.created + config.max_age - now());
    return json_response(
        200, json::serialize(json::object{{"user", user_value(s.user)},
                                          {"idle_timeout_s", config.idle_timeout.count()},
                                          {"expires_at_ms", wall_ms() + left.count()}}));
  }
  return json_response(200, codec::encode_users(delegate.users(s.user)));
}

Result<WebSession*, Refusal> Api::Impl::check_signed(const SignedInput& in) {
  const TimePoint t = now();
  const auto refuse = [&](Refusal r) {
    log_refusal(in.fields.session, in.client_ip, r);
    return fail(r);
  };
  if (!in.fields.complete()) {
    return refuse({401, "missing_signature", "X-Parley-Session, -Timestamp, -Nonce and -Signature required"});
  }
  WebSession* s = sessions.find_public(in.fields.session);
  if (s == nullptr) return refuse({401, "unknown_session", "no such session"});
  if (sessions.expiry(*s, t) != SessionTable::Expiry::kAlive) {
    ++stats.sessions_expired;
    end_session(s->id, 4001, "session_expired");
    return refuse({401, "session_expired", "session expired"});
  }
  const std::string canonical = http_canonical_string(in.method, in.target, in.fields.timestamp,
                                                      in.fields.nonce, in.body);
  if (!verify_signature(s->key_bytes(), canonical, in.fields.signature)) {
    return refuse({401, "bad_signature", "signature does not match"});
  }
  const auto ts = parse_decimal(in.fields.timestamp, kMaxSafeInteger);
  const std::int64_t skew = ts ? static_cast<std::int64_t>(*ts) - wall_ms() : 0;
  if (!ts || std::abs(skew) > config.timestamp_window.count()) {
    return refuse({401, "stale_timestamp", "timestamp too far from the server's clock"});
  }
  switch (s->nonces.insert(in.fields.nonce, t, nonce_ttl(), config.max_nonces_per_window)) {
    case NonceCache::Outcome::kReplayed:
      return refuse({401, "replayed", "nonce already used"});
    case NonceCache::Outcome::kFull: {
      const auto free_at = *s->nonces.oldest() + nonce_ttl();
      const auto wait = std::chrono::ceil<std::chrono::seconds>(free_at - t).count();
      return refuse({429, "rate_limited", "too many requests", std::max<std::int64_t>(wait, 1)});
    }
    case NonceCache::Outcome::kAccepted:
      break;
  }
  if (in.client_ip != s->client_ip) return refuse({403, "wrong_address", "other client address"});
  if (!s->same_browser(in.user_agent)) return refuse({403, "wrong_browser", "other browser"});
  s->last_activity = t;
  return s;
}

}  // namespace parley::web
