// web::Api over HTTP: login and its limits, the signed endpoints, and every
// refusal of protocol/api.md with its own code, in api.md's order.
#include "api_test_support.hpp"

namespace parley::web::test {
namespace {

using namespace std::chrono_literals;

class ApiHttpTest : public ApiFixture {};

TEST_F(ApiHttpTest, LoginReturnsSessionBoundToAddressAndBrowser) {
  const HttpResponse r = login_request("alice", "alice-pw");
  ASSERT_EQ(r.status, 200);
  const auto v = parse_json(r.body);
  EXPECT_EQ(v.at("session_id").as_string().size(), 22u);
  EXPECT_EQ(v.at("session_key").as_string().size(), 43u);
  EXPECT_EQ(v.at("user").at("name"), "alice");
  EXPECT_EQ(v.at("user").at("display_name"), "Alice");
  EXPECT_EQ(v.at("user").at("uri"), "sip:alice@localhost");
  EXPECT_EQ(v.at("idle_timeout_s"), 1800);
  EXPECT_EQ(v.at("max_age_s"), 43200);
  EXPECT_EQ(v.at("server_time_ms"), kWall0);
  EXPECT_EQ(api_->session_count(), 1u);
  EXPECT_EQ(api_->stats().logins_ok, 1u);
  // Same keys as the shared example.
  const auto example = parse_json(R"({"session_id":"","session_key":"","user":{},"idle_timeout_s":0,"max_age_s":0,"server_time_ms":0})");
  for (const auto& [k, _] : example.as_object()) EXPECT_TRUE(v.as_object().contains(k)) << k;
}

TEST_F(ApiHttpTest, LoginWrongPasswordOrUnknownUser) {
  EXPECT_EQ(error_code_of(login_request("alice", "nope")), "bad_credentials");
  const HttpResponse r = login_request("mallory", "x");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_code_of(r), "bad_credentials");
  EXPECT_EQ(api_->stats().logins_failed, 2u);
  EXPECT_EQ(api_->session_count(), 0u);
}

TEST_F(ApiHttpTest, LoginMalformedBodies) {
  for (const char* body : {"", "{", "[]", R"({"user":"alice"})", R"({"password":"x"})",
                           R"({"user":1,"password":"x"})", R"({"user":"","password":"x"})"}) {
    const HttpResponse r = call(http("POST", "/api/v1/login", body));
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(error_code_of(r), "bad_request") << body;
  }
  EXPECT_EQ(delegate_.password_checks, 0);
}

TEST_F(ApiHttpTest, LoginAnswersLaterWhenPasswordCheckIsAsync) {
  delegate_.defer = true;
  std::vector<HttpResponse> got;
  api_->on_request(http("POST", "/api/v1/login", R"({"user":"alice","password":"alice-pw"})"),
                   [&](HttpResponse r) { got.push_back(r); });
  EXPECT_TRUE(got.empty());
  ASSERT_EQ(delegate_.pending.size(), 1u);
  delegate_.pending.front()();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, 200);
}

TEST_F(ApiHttpTest, LoginCompletionAfterApiDestroyedAnswers503) {
  delegate_.defer = true;
  std::vector<HttpResponse> got;
  api_->on_request(http("POST", "/api/v1/login", R"({"user":"alice","password":"alice-pw"})"),
                   [&](HttpResponse r) { got.push_back(r); });
  sender_.api = nullptr;
  api_.reset();
  delegate_.pending.front()();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, 503);
}

TEST_F(ApiHttpTest, LoginLimitedPerAccountEvenForRightPasswordThenLifts) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(error_code_of(login_request("alice", "bad", "198.51.100." + std::to_string(i))),
              "bad_credentials");
  }
  const int checks = delegate_.password_checks;
  const HttpResponse r = login_request("alice", "alice-pw", "198.51.100.77");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(error_code_of(r), "rate_limited");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  EXPECT_GT(std::stoi(r.headers[0].second), 0);
  EXPECT_EQ(delegate_.password_checks, checks);  // limited before Argon2id
  EXPECT_EQ(api_->stats().logins_limited, 1u);
  // Case does not buy more guesses.
  EXPECT_EQ(login_request("ALICE", "x", "198.51.100.78").status, 429);
  // Another account is not affected.
  EXPECT_EQ(login_request("bob", "bob-pw", "198.51.100.79").status, 200);
  advance(60s);
  EXPECT_EQ(login_request("alice", "alice-pw", "198.51.100.77").status, 200);
}

TEST_F(ApiHttpTest, LoginLimitedPerAddress) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(login_request("user" + std::to_string(i), "x", "192.0.2.1").status, 401);
  }
  EXPECT_EQ(login_request("bob", "bob-pw", "192.0.2.1").status, 429);
  EXPECT_EQ(login_request("bob", "bob-pw", "192.0.2.2").status, 200);
  advance(61s);
  EXPECT_EQ(login_request("bob", "bob-pw", "192.0.2.1").status, 200);
}

TEST_F(ApiHttpTest, SuccessfulLoginsAreNotLimited) {
  for (int i = 0; i < 20; ++i) ASSERT_EQ(login_request("alice", "alice-pw").status, 200) << i;
}

TEST_F(ApiHttpTest, MaxSessionsAnswers503) {
  ApiConfig c;
  c.max_sessions = 2;
  make_api(c);
  login();
  login();
  const HttpResponse r = login_request("alice", "alice-pw");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_code_of(r), "unavailable");
}

TEST_F(ApiHttpTest, VersionUnsignedAndRouting) {
  HttpResponse r = call(http("GET", "/api/v1/version"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(parse_json(r.body), parse_json(R"({"api": 1, "server": "parley 0.1.0"})"));
  EXPECT_EQ(error_code_of(call(http("GET", "/api/v1/nothing"))), "not_found");
  EXPECT_EQ(call(http("GET", "/api/v2/users")).status, 404);
  EXPECT_EQ(error_code_of(call(http("GET", "/api/v1/login"))), "method_not_allowed");
  EXPECT_EQ(call(http("POST", "/api/v1/users")).status, 405);
  EXPECT_EQ(call(http("DELETE", "/api/v1/version")).status, 405);
}

TEST_F(ApiHttpTest, SignedEndpointsWork) {
  const Login l = login();
  delegate_.user_list = {{{"alice", "Alice", "sip:alice@localhost"}, true},
                         {{"bob", "Bob", "sip:bob@localhost"}, false}};
  HttpResponse r = call(signed_request(l, "GET", "/api/v1/users"));
  ASSERT_EQ(r.status, 200) << r.body;
  std::ifstream f(std::string(PARLEY_SOURCE_DIR) + "/protocol/examples/http.users.response.json");
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(parse_json(r.body), parse_json(ss.str()));

  r = call(signed_request(l, "GET", "/api/v1/session"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto v = parse_json(r.body);
  EXPECT_EQ(v.at("user").at("name"), "alice");
  EXPECT_EQ(v.at("idle_timeout_s"), 1800);
  EXPECT_EQ(v.at("expires_at_ms"), kWall0 + 43200 * 1000);

  r = call(signed_request(l, "GET", "/api/v1/users?x=1"));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ApiHttpTest, LogoutEndsSession) {
  const Login l = login();
  const HttpResponse r = call(signed_request(l, "POST", "/api/v1/logout", "{}"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(parse_json(r.body), parse_json("{}"));
  EXPECT_EQ(api_->session_count(), 0u);
  EXPECT_EQ(delegate_.events, std::vector<std::string>{"ended:1"});
  EXPECT_EQ(error_code_of(call(signed_request(l, "GET", "/api/v1/users"))), "unknown_session");
}

// ---- refusals, each with its own code ----

void expect_refused(const HttpResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(error_code_of(r), code) << r.body;
}

TEST_F(ApiHttpTest, MissingSignature) {
  const Login l = login();
  for (const char* drop : {"x-parley-session", "x-parley-timestamp", "x-parley-nonce",
                           "x-parley-signature"}) {
    HttpRequest r = signed_request(l, "GET", "/api/v1/users");
    std::erase_if(r.headers, [&](const auto& h) { return h.first == drop; });
    expect_refused(call(r), 401, "missing_signature");
  }
  expect_refused(call(http("GET", "/api/v1/session")), 401, "missing_signature");
  EXPECT_GE(api_->stats().refused_requests, 5u);
}

TEST_F(ApiHttpTest, UnknownSession) {
  Login l = login();
  l.id = "AAAAAAAAAAAAAAAAAAAAAA";
  expect_refused(call(signed_request(l, "GET", "/api/v1/users")), 401, "unknown_session");
  l.id = std::string(5000, 'x');
  expect_refused(call(signed_request(l, "GET", "/api/v1/users")), 401, "unknown_session");
}

TEST_F(ApiHttpTest, SessionExpiredIdle) {
  const Login l = login();
  advance(1000s);
  EXPECT_EQ(call(signed_request(l, "GET", "/api/v1/users")).status, 200);  // refreshes
  advance(1000s);  // 2000 s after login, 1000 s idle
  EXPECT_EQ(call(signed_request(l, "GET", "/api/v1/users")).status, 200);
  advance(1801s);
  expect_refused(call(signed_request(l, "GET", "/api/v1/users")), 401, "session_expired");
  EXPECT_EQ(api_->session_count(), 0u);
  EXPECT_EQ(delegate_.events, std::vector<std::string>{"ended:1"});
}

TEST_F(ApiHttpTest, SessionExpiredMaxAgeDespiteActivity) {
  const Login l = login();
  for (int i = 0; i < 24; ++i) {
    advance(1800s);
    ASSERT_EQ(call(signed_request(l, "GET", "/api/v1/users")).status, 200) << i;
  }
  advance(1s);
  expect_refused(call(signed_request(l, "GET", "/api/v1/users")), 401, "session_expired");
}

TEST_F(ApiHttpTest, BadSignatureTamperedBodyPathOrWrongKey) {
  Login l = login();
  HttpRequest r = signed_request(l, "POST", "/api/v1/logout", "{}");
  r.body = "{ }";
  expect_refused(call(r), 401, "bad_signature");
  r = signed_request(l, "GET", "/api/v1/users");
  r.target = "/api/v1/session";
  expect_refused(call(r), 401, "bad_signature");
  r = signed_request(l, "GET", "/api/v1/users?a=1");
  r.target = "/api/v1/users?a=2";
  expect_refused(call(r), 401, "bad_signature");
  r = signed_request(l, "GET", "/api/v1/users");
  r.method = "POST";  // signed as GET, sent to a GET path as POST: 405 first
  EXPECT_EQ(call(r).status, 405);
  Login wrong = l;
  wrong.key = std::string(32, '\x01');
  expect_refused(call(signed_request(wrong, "GET", "/api/v1/users")), 401, "bad_signature");
  EXPECT_EQ(api_->session_count(), 1u);  // a bad signature does not end the session
}

TEST_F(ApiHttpTest, StaleTimestampBothDirections) {
  const Login l = login();
  EXPECT_EQ(call(signed_request(l, "GET", "/api/v1/users", "", 30000)).status, 200);
  EXPECT_EQ(call(signed_request(l, "GET", "/api/v1/users", "", -30000)).status, 200);
  expect_refused(call(signed_request(l, "GET", "/api/v1/users", "", 30001)), 401, "stale_timestamp");
  expect_refused(call(signed_request(l, "GET", "/api/v1/users", "", -30001)), 401, "stale_timestamp");
}

TEST_F(ApiHttpTest, ReplayedNonce) {
  const Login l = login();
  const HttpRequest r = signed_request(l, "GET", "/api/v1/users");
  EXPECT_EQ(call(r).status, 200);
  expect_refused(call(r), 401, "replayed");
  advance(20s);
  expect_refused(call(r), 401, "replayed");
}

TEST_F(ApiHttpTest, ReplayAfterNonceForgottenIsStale) {
  const Login l = login();
  const HttpRequest r = signed_request(l, "GET", "/api/v1/users", "", 30000);  // as late as possible
  EXPECT_EQ(call(r).status, 200);
  advance(60s);
  expect_refused(call(r), 401, "replayed");
  advance(1ms);  // nonce forgotten now, but the timestamp is out of the window
  api_->on_timer();
  expect_refused(call(r), 401, "stale_timestamp");
}

TEST_F(ApiHttpTest, TooManyNoncesPerWindowIs429) {
  ApiConfig c;
  c.max_nonces_per_window = 3;
  make_api(c);
  const Login l = login();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(call(signed_request(l, "GET", "/api/v1/users")).status, 200);
  const HttpResponse r = call(signed_request(l, "GET", "/api/v1/users"));
  expect_refused(r, 429, "rate_limited");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Retry-After", "60"}));
  advance(61s);
  EXPECT_EQ(call(signed_request(l, "GET", "/api/v1/users")).status, 200);
}

TEST_F(ApiHttpTest, WrongAddressAndWrongBrowser) {
  const Login l = login();
  Login moved = l;
  moved.ip = "192.0.2.200";
  expect_refused(call(signed_request(moved, "GET", "/api/v1/users")), 403, "wrong_address");
  Login other_browser = l;
  other_browser.ua = "TestBrowser/2";
  expect_refused(call(signed_request(other_browser, "GET", "/api/v1/users")), 403, "wrong_browser");
}

TEST_F(ApiHttpTest, ChecksRunInApiMdOrder) {
  const Login l = login();
  // Everything wrong at once: each fix reveals the next code.
  Login bad = l;
  bad.ip = "192.0.2.200";
  bad.ua = "Other/1";
  HttpRequest r = signed_request(bad, "GET", "/api/v1/users", "", 99999, "dup-nonce");
  ASSERT_EQ(call(signed_request(l, "GET", "/api/v1/users", "", 0, "dup-nonce")).status, 200);
  // Tampered after signing and stale, replayed, other address and browser.
  r.target = "/api/v1/users?tampered";
  expect_refused(call(r), 401, "bad_signature");
  r = signed_request(bad, "GET", "/api/v1/users", "", 99999, "dup-nonce");
  expect_refused(call(r), 401, "stale_timestamp");
  r = signed_request(bad, "GET", "/api/v1/users", "", 0, "dup-nonce");
  expect_refused(call(r), 401, "replayed");
  r = signed_request(bad, "GET", "/api/v1/users", "", 0);
  expect_refused(call(r), 403, "wrong_address");
  bad.ip = l.ip;
  expect_refused(call(signed_request(bad, "GET", "/api/v1/users")), 403, "wrong_browser");
  // Expired beats a bad signature; unknown beats everything but missing headers.
  advance(1801s);
  Login wrong_key = l;
  wrong_key.key = std::string(32, '\x02');
  expect_refused(call(signed_request(wrong_key, "GET", "/api/v1/users")), 401, "session_expired");
  r = signed_request(wrong_key, "GET", "/api/v1/users");
  expect_refused(call(r), 401, "unknown_session");
  std::erase_if(r.headers, [](const auto& h) { return h.first == "x-parley-nonce"; });
  expect_refused(call(r), 401, "missing_signature");
}

TEST_F(ApiHttpTest, ExpiryByTimerTellsDelegate) {
  login();
  ASSERT_TRUE(api_->next_deadline().has_value());
  advance(1801s);
  api_->on_timer();
  EXPECT_EQ(api_->session_count(), 0u);
  EXPECT_EQ(api_->stats().sessions_expired, 1u);
  EXPECT_EQ(delegate_.events, std::vector<std::string>{"ended:1"});
  EXPECT_FALSE(api_->next_deadline().has_value());
}

class ThrowingDelegate : public FakeDelegate {
 public:
  std::vector<UserEntry> users(const UserInfo&) override { throw std::runtime_error("boom"); }
};

TEST(ApiHttpBoundary, ExceptionsBecome500) {
  ThrowingDelegate d;
  d.add_user("alice", "alice-pw");
  FakeSender s;
  TimePoint now = TimePoint{} + std::chrono::hours(5);
  Api api({}, d, s, [&] { return now; }, [] { return std::int64_t{1796000000000}; });
  std::vector<HttpResponse> got;
  api.on_request(http_request("POST", "/api/v1/login",
                                          R"({"user":"alice","password":"alice-pw"})"),
                 [&](HttpResponse r) { got.push_back(r); });
  ASSERT_EQ(got.size(), 1u);
  const auto v = parse_json(got[0].body);
  const std::string id(v.at("session_id").as_string());
  const std::string key = crypto::base64url_decode(v.at("session_key").as_string()).value();
  HttpRequest r = http_request("GET", "/api/v1/users");
  const std::string ts = "1796000000000";
  r.headers.emplace_back("x-parley-session", id);
  r.headers.emplace_back("x-parley-timestamp", ts);
  r.headers.emplace_back("x-parley-nonce", "n");
  r.headers.emplace_back("x-parley-signature",
                         sign_canonical(key, http_canonical_string("GET", "/api/v1/users", ts, "n", "")));
  got.clear();
  api.on_request(r, [&](HttpResponse resp) { got.push_back(resp); });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, 500);
  EXPECT_EQ(error_code_of(got[0]), "internal");
}

TEST_F(ApiHttpTest, MetricsAreServedToLoopbackClientsOnly) {
  for (const char* ip : {"127.0.0.1", "127.4.5.6", "::1", "::ffff:127.0.0.1"}) {
    const HttpResponse r = call(http("GET", "/metrics", "", ip));
    EXPECT_EQ(r.status, 200) << ip;
    EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(r.body, "parley_sip_transactions 7\n");
  }
  // Elsewhere there is nothing to see, and not a hint that it exists.
  for (const char* ip : {"203.0.113.5", "10.127.0.1", "::ffff:10.0.0.1", "fe80::1"}) {
    const HttpResponse r = call(http("GET", "/metrics", "", ip));
    EXPECT_EQ(r.status, 404) << ip;
    EXPECT_EQ(r.body.find("parley_sip"), std::string::npos);
  }
  EXPECT_EQ(call(http("POST", "/metrics", "", "127.0.0.1")).status, 405);
}

}  // namespace
}  // namespace parley::web::test
