// web::Api over WebSocket: the signed upgrade and its refusals, hello and
// presence of the session, signed frames (replay, tamper, malformed), the
// dispatch to the delegate, expiry, logout and pushes.
#include "api_test_support.hpp"

#include "web/api_codec.hpp"

namespace parley::web::test {
namespace {

using namespace std::chrono_literals;

class ApiWsTest : public ApiFixture {
 protected:
  std::optional<HttpResponse> upgrade(const HttpRequest& r) { return api_->on_upgrade(r, WsId{next_ws_++}); }
  void expect_refused(const std::optional<HttpResponse>& r, int status, const std::string& code) {
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(error_code_of(*r), code) << r->body;
  }
  std::optional<Close> close_of(WsId id) {
    for (const Close& c : sender_.closes) {
      if (c.id == id) return c;
    }
    return std::nullopt;
  }
};

TEST_F(ApiWsTest, OpenSendsHelloAndSessionGoesOnline) {
  const Login l = login();
  const WsId ws = open_ws(l);
  ASSERT_EQ(frames(ws).size(), 1u);
  const auto hello = parse_json(frames(ws)[0]);
  EXPECT_EQ(hello.at("type"), "hello");
  EXPECT_EQ(hello.at("api"), 1);
  EXPECT_EQ(hello.at("user").at("name"), "alice");
  EXPECT_EQ(hello.at("last_seq"), 0);
  EXPECT_EQ(hello.at("server_time_ms"), kWall0);
  EXPECT_EQ(delegate_.events, std::vector<std::string>{"online:1:alice"});
  // A second socket of the same session does not announce it again.
  open_ws(l);
  EXPECT_EQ(delegate_.events.size(), 1u);
}

TEST_F(ApiWsTest, LastSocketClosedGoesOffline) {
  const Login l = login();
  const WsId a = open_ws(l);
  const WsId b = open_ws(l);
  api_->on_ws_closed(a);
  EXPECT_EQ(delegate_.events.size(), 1u);
  api_->on_ws_closed(b);
  EXPECT_EQ(delegate_.events, (std::vector<std::string>{"online:1:alice", "offline:1"}));
  open_ws(l);
  EXPECT_EQ(delegate_.events.back(), "online:1:alice");
}

TEST_F(ApiWsTest, UpgradeRefusals) {
  const Login l = login();
  HttpRequest r = upgrade_request(l);
  r.target = r.target.substr(0, r.target.find("&sig="));
  expect_refused(upgrade(r), 401, "missing_signature");
  expect_refused(upgrade(http("GET", "/api/v1/ws")), 401, "missing_signature");

  Login unknown = l;
  unknown.id = "AAAAAAAAAAAAAAAAAAAAAA";
  expect_refused(upgrade(upgrade_request(unknown)), 401, "unknown_session");

  Login wrong_key = l;
  wrong_key.key = std::string(32, '\x05');
  expect_refused(upgrade(upgrade_request(wrong_key)), 401, "bad_signature");

  expect_refused(upgrade(upgrade_request(l, 30001)), 401, "stale_timestamp");
  expect_refused(upgrade(upgrade_request(l, -30001)), 401, "stale_timestamp");

  const HttpRequest once = upgrade_request(l);
  EXPECT_FALSE(upgrade(once).has_value());
  expect_refused(upgrade(once), 401, "replayed");

  Login moved = l;
  moved.ip = "192.0.2.9";
  expect_refused(upgrade(upgrade_request(moved)), 403, "wrong_address");
  Login other = l;
  other.ua = "Other/1";
  expect_refused(upgrade(upgrade_request(other)), 403, "wrong_browser");

  HttpRequest post = upgrade_request(l);
  post.method = "POST";
  expect_refused(upgrade(post), 405, "method_not_allowed");
  HttpRequest elsewhere = upgrade_request(l);
  elsewhere.target.replace(0, 10, "/api/v1/xx");
  expect_refused(upgrade(elsewhere), 404, "not_found");
}

TEST_F(ApiWsTest, UpgradeSignedOverPathOnlyNotQuery) {
  const Login l = login();
  HttpRequest r = upgrade_request(l);
  r.target += "&extra=1";  // not part of the signature
  EXPECT_FALSE(upgrade(r).has_value());
}

TEST_F(ApiWsTest, UpgradeOfExpiredSession) {
  const Login l = login();
  advance(1801s);
  expect_refused(upgrade(upgrade_request(l)), 401, "session_expired");
}

TEST_F(ApiWsTest, AtMostMaxSocketsPerSession) {
  const Login l = login();
  std::vector<WsId> open;
  for (int i = 0; i < 8; ++i) open.push_back(open_ws(l));
  const auto r = upgrade(upgrade_request(l));
  expect_refused(r, 429, "rate_limited");
  EXPECT_EQ(r->headers.at(0).first, "Retry-After");
  api_->on_ws_closed(open[0]);  // a reconnect replaces a closed socket
  EXPECT_FALSE(upgrade(upgrade_request(l)).has_value());
}

TEST_F(ApiWsTest, PingPongAndDispatch) {
  const Login l = login();
  const WsId ws = open_ws(l);
  advance(250ms);
  api_->on_ws_text(ws, frame(l, 1, R"({"type":"ping"})"));
  ASSERT_EQ(frames(ws).size(), 2u);
  EXPECT_EQ(parse_json(frames(ws)[1]), parse_json(R"({"type":"pong","server_time_ms":1796000000250})"));

  api_->on_ws_text(ws, frame(l, 2, R"({"type":"message.send","id":"c1","to":"bob","text":"hi"})"));
  ASSERT_EQ(delegate_.sent.size(), 1u);
  EXPECT_EQ(delegate_.sent[0].first, WebSessionId{1});
  EXPECT_EQ(delegate_.sent[0].second.id, "c1");
  EXPECT_EQ(delegate_.sent[0].second.to, "bob");
  EXPECT_EQ(delegate_.sent[0].second.text, "hi");

  api_->on_ws_text(ws, frame(l, 3, R"({"type":"message.ack","id":"m-7"})"));
  ASSERT_EQ(delegate_.acks.size(), 1u);
  EXPECT_EQ(delegate_.acks[0].second, "m-7");

  api_->on_ws_text(ws, frame(l, 4, R"({"type":"file.upload"})"));
  const auto err = parse_json(frames(ws).back());
  EXPECT_EQ(err.at("type"), "error");
  EXPECT_EQ(err.at("code"), "unknown_type");
  EXPECT_EQ(err.at("seq"), 4);
  EXPECT_FALSE(sender_.is_closed(ws));

  api_->on_ws_text(ws, frame(l, 5, R"({"type":"message.send","id":"c2","to":"bob"})"));
  EXPECT_EQ(parse_json(frames(ws).back()).at("code"), "bad_request");
  EXPECT_FALSE(sender_.is_closed(ws));
}

TEST_F(ApiWsTest, MalformedFramesGetBadRequestAndStayOpen) {
  const Login l = login();
  const WsId ws = open_ws(l);
  const std::string good = frame(l, 1, R"({"type":"ping"})");
  for (const std::string& bad :
       {std::string(""), std::string("1"), std::string("1 sig"), std::string("x ") + good.substr(2),
        std::string("0 ") + good.substr(2), std::string("01 ") + good.substr(2),
        std::string("9007199254740992 ") + good.substr(2), good.substr(0, good.rfind(' ') + 1),
        std::string("1 short {}")}) {
    api_->on_ws_text(ws, bad);
    const auto v = parse_json(frames(ws).back());
    EXPECT_EQ(v.at("code"), "bad_request") << bad;
  }
  EXPECT_FALSE(sender_.is_closed(ws));
  api_->on_ws_text(ws, good);
  EXPECT_EQ(frame_type(frames(ws).back()), "pong");
}

TEST_F(ApiWsTest, ReplayedSeqClosesWith4003) {
  const Login l = login();
  const WsId ws = open_ws(l);
  api_->on_ws_text(ws, frame(l, 5, R"({"type":"ping"})"));
  api_->on_ws_text(ws, frame(l, 5, R"({"type":"ping"})"));
  const auto err = parse_json(frames(ws).back());
  EXPECT_EQ(err.at("code"), "replayed");
  EXPECT_EQ(err.at("seq"), 5);
  ASSERT_TRUE(close_of(ws));
  EXPECT_EQ(close_of(ws)->code, 4003);
  // The session lives on; a new socket learns where to continue.
  const WsId again = open_ws(l);
  EXPECT_EQ(parse_json(frames(again)[0]).at("last_seq"), 5);
  api_->on_ws_text(again, frame(l, 4, R"({"type":"ping"})"));
  EXPECT_EQ(close_of(again)->code, 4003);
}

TEST_F(ApiWsTest, TamperedFrameClosesWith4003) {
  const Login l = login();
  const WsId ws = open_ws(l);
  std::string f = frame(l, 1, R"({"type":"message.send","id":"c1","to":"bob","text":"hi"})");
  f.replace(f.find("bob"), 3, "eve");
  api_->on_ws_text(ws, f);
  EXPECT_EQ(parse_json(frames(ws).back()).at("code"), "bad_signature");
  EXPECT_EQ(close_of(ws)->code, 4003);
  EXPECT_TRUE(delegate_.sent.empty());
  // Signed with another session's key.
  const Login other = login();
  const WsId ws2 = open_ws(other);
  api_->on_ws_text(ws2, frame(l, 1, R"({"type":"ping"})"));
  EXPECT_EQ(close_of(ws2)->code, 4003);
  // A seq that was signed with another number.
  const WsId ws3 = open_ws(l);
  std::string renumbered = frame(l, 7, R"({"type":"ping"})");
  renumbered[0] = '8';
  api_->on_ws_text(ws3, renumbered);
  EXPECT_EQ(close_of(ws3)->code, 4003);
}

TEST_F(ApiWsTest, OpenSocketKeepsSessionAliveUntilMaxAge) {
  const Login l = login();
  const WsId ws = open_ws(l);
  for (int i = 0; i < 20; ++i) {
    advance(2000s);
    api_->on_timer();
  }
  EXPECT_EQ(api_->session_count(), 1u);
  advance(3201s);  // 43201 s after login
  api_->on_timer();
  EXPECT_EQ(api_->session_count(), 0u);
  ASSERT_TRUE(close_of(ws));
  EXPECT_EQ(close_of(ws)->code, 4001);
  EXPECT_EQ(close_of(ws)->reason, "session_expired");
  EXPECT_EQ(delegate_.events, (std::vector<std::string>{"online:1:alice", "offline:1", "ended:1"}));
}

TEST_F(ApiWsTest, IdleCountsFromLastSocketClosed) {
  const Login l = login();
  const WsId ws = open_ws(l);
  advance(5000s);
  api_->on_ws_closed(ws);
  advance(1800s);
  api_->on_timer();
  EXPECT_EQ(api_->session_count(), 1u);
  advance(2s);
  api_->on_timer();
  EXPECT_EQ(api_->session_count(), 0u);
}

TEST_F(ApiWsTest, FrameOnExpiredSessionCloses4001) {
  const Login l = login();
  const WsId ws = open_ws(l);
  advance(43201s);
  api_->on_ws_text(ws, frame(l, 1, R"({"type":"ping"})"));
  EXPECT_EQ(close_of(ws)->code, 4001);
  EXPECT_EQ(api_->session_count(), 0u);
}

TEST_F(ApiWsTest, LogoutClosesSocketsWith4001) {
  const Login l = login();
  const WsId a = open_ws(l);
  const WsId b = open_ws(l);
  ASSERT_EQ(call(signed_request(l, "POST", "/api/v1/logout", "{}")).status, 200);
  EXPECT_EQ(close_of(a)->code, 4001);
  EXPECT_EQ(close_of(a)->reason, "logged_out");
  EXPECT_EQ(close_of(b)->reason, "logged_out");
  EXPECT_EQ(delegate_.events, (std::vector<std::string>{"online:1:alice", "offline:1", "ended:1"}));
  api_->on_ws_text(a, frame(l, 1, R"({"type":"ping"})"));  // late frame: ignored
  EXPECT_EQ(frames(a).size(), 1u);
}

TEST_F(ApiWsTest, CloseAllSends1001) {
  const Login l = login();
  const WsId ws = open_ws(l);
  api_->close_all();
  EXPECT_EQ(close_of(ws)->code, 1001);
  EXPECT_EQ(api_->session_count(), 0u);
  EXPECT_EQ(login_request("alice", "alice-pw").status, 503);
}

TEST_F(ApiWsTest, PushesReachOpenSocketsOnly) {
  const Login a1 = login("alice");
  const Login a2 = login("alice");
  const Login b = login("bob", "bob-pw");
  const WsId wa1 = open_ws(a1);
  const WsId wa2 = open_ws(a2);
  const WsId wb = open_ws(b);
  const std::string m = codec::encode_presence("carol", true);
  EXPECT_TRUE(api_->push_to_session(WebSessionId{1}, m));
  EXPECT_EQ(frames(wa1).back(), m);
  EXPECT_EQ(frames(wa2).size(), 1u);
  EXPECT_EQ(api_->push_to_user("alice", m, WebSessionId{1}), 1u);
  EXPECT_EQ(frames(wa2).back(), m);
  EXPECT_EQ(frames(wa1).size(), 2u);
  EXPECT_EQ(api_->push_to_user("alice", m), 2u);
  EXPECT_EQ(api_->push_to_user("nobody", m), 0u);
  api_->push_to_all(m);
  EXPECT_EQ(frames(wb).size(), 2u);
  EXPECT_EQ(frames(wa1).size(), 4u);
  EXPECT_EQ(api_->session_user(WebSessionId{3})->name, "bob");
  // An upgraded socket that is not open yet gets nothing.
  const WsId pending{100};
  ASSERT_FALSE(api_->on_upgrade(upgrade_request(b), pending).has_value());
  api_->push_to_all(m);
  EXPECT_TRUE(frames(pending).empty());
  // A session without sockets.
  const Login c = login("bob", "bob-pw");
  EXPECT_FALSE(api_->push_to_session(WebSessionId{4}, m));
  EXPECT_FALSE(api_->push_to_session(WebSessionId{99}, m));
  EXPECT_FALSE(api_->session_user(WebSessionId{99}));
  (void)c;
}

TEST_F(ApiWsTest, ValidFrameRefreshesIdleTimeWhenNoSocketWouldNot) {
  // A frame's refresh matters after the socket closes: idle counts from the later of both.
  const Login l = login();
  const WsId ws = open_ws(l);
  advance(1000s);
  api_->on_ws_text(ws, frame(l, 1, R"({"type":"ping"})"));
  api_->on_ws_closed(ws);
  advance(1801s);
  api_->on_timer();
  EXPECT_EQ(api_->session_count(), 0u);
}

}  // namespace
}  // namespace parley::web::test
