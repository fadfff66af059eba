// Test doubles and a fixture for web::Api tests: a fake clock, a fake
// ApiDelegate (accounts, deferred password checks, recorded calls) and a fake
// WsSender (recorded frames and closes; a close comes back as on_ws_closed at
// once, as the real server may do). Thread: the test's.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "web/api.hpp"
#include "web/chat_delegate.hpp"
#include "web/request_signature.hpp"
#include "web/web_crypto.hpp"

namespace parley::web::test {

class FakeDelegate : public ApiDelegate {
 public:
  void add_user(const std::string& name, const std::string& password) {
    accounts_[name] = {password,
                       UserInfo{name, std::string(1, static_cast<char>(name[0] - 32)) + name.substr(1),
                                "sip:" + name + "@localhost"}};
  }
  void check_password(std::string name, std::string password,
                      std::function<void(std::optional<UserInfo>)> done) override {
    ++password_checks;
    std::optional<UserInfo> found;
    const auto it = accounts_.find(name);
    if (it != accounts_.end() && it->second.first == password) found = it->second.second;
    if (defer) {
      pending.push_back([done, found] { done(found); });
    } else {
      done(found);
    }
  }
  std::vector<UserEntry> users(const UserInfo&) override { return user_list; }
  void on_session_online(WebSessionId s, const UserInfo& u) override {
    events.push_back("online:" + std::to_string(s.value()) + ":" + u.name);
  }
  void on_session_offline(WebSessionId s) override {
    events.push_back("offline:" + std::to_string(s.value()));
  }
  void on_session_ended(WebSessionId s) override {
    events.push_back("ended:" + std::to_string(s.value()));
  }
  void send_message(WebSessionId s, OutgoingMessage m) override { sent.emplace_back(s, m); }
  void ack_message(WebSessionId s, std::string id) override { acks.emplace_back(s, id); }
  ChatDelegate* chat() override { return chat_delegate; }
  std::string metrics() override { return metrics_text; }

  int password_checks = 0;
  std::string metrics_text = "parley_sip_transactions 7\n";
  bool defer = false;
  std::vector<std::function<void()>> pending;
  std::vector<std::string> events;
  std::vector<std::pair<WebSessionId, OutgoingMessage>> sent;
  std::vector<std::pair<WebSessionId, std::string>> acks;
  std::vector<UserEntry> user_list;
  ChatDelegate* chat_delegate = nullptr;  // nullptr: a server without chat

 private:
  std::map<std::string, std::pair<std::string, UserInfo>> accounts_;
};

struct Close {
  WsId id;
  std::uint16_t code;
  std::string reason;
};

class FakeSender : public WsSender {
 public:
  bool send(WsId id, std::string text) override {
    if (closed_.contains(id.value())) return false;
    frames[id.value()].push_back(std::move(text));
    return true;
  }
  void close(WsId id, std::uint16_t code, std::string reason) override {
    if (!closed_.insert(id.value()).second) return;
    closes.push_back({id, code, reason});
    if (api != nullptr) api->on_ws_closed(id);  // the server reports it
  }
  bool is_closed(WsId id) const { return closed_.contains(id.value()); }

  Api* api = nullptr;
  std::map<std::uint64_t, std::vector<std::string>> frames;
  std::vector<Close> closes;

 private:
  std::set<std::uint64_t> closed_;
};

struct Login {
  std::string id;
  std::string key_b64;
  std::string key;  // raw 32 bytes
  std::string ip;
  std::string ua;
};

inline HttpRequest http_request(std::string method, std::string target, std::string body = {},
                                std::string ip = "203.0.113.5",
                                std::string ua = "TestBrowser/1") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  r.client_ip = std::move(ip);
  r.headers.emplace_back("user-agent", std::move(ua));
  return r;
}

inline boost::json::value parse_json(std::string_view text) { return boost::json::parse(text); }

inline std::string error_code_of(const HttpResponse& r) {
  const auto v = parse_json(r.body);
  return std::string(v.at("error").at("code").as_string());
}

inline std::string frame_type(const std::string& frame) {
  return std::string(parse_json(frame).at("type").as_string());
}

class ApiFixture : public ::testing::Test {
 protected:
  static constexpr std::int64_t kWall0 = 1796000000000;

  ApiFixture() {
    delegate_.add_user("alice", "alice-pw");
    delegate_.add_user("bob", "bob-pw");
    make_api(ApiConfig{});
  }

  void make_api(ApiConfig config) {
    sender_.api = nullptr;
    api_ = std::make_unique<Api>(
        std::move(config), delegate_, sender_, [this] { return now_; },
        [this] { return wall_; });
    sender_.api = api_.get();
  }

  void advance(std::chrono::milliseconds d) {
    now_ += d;
    wall_ += d.count();
  }

  HttpResponse call(HttpRequest r) {
    std::vector<HttpResponse> got;
    api_->on_request(std::move(r), [&](HttpResponse resp) { got.push_back(std::move(resp)); });
    EXPECT_EQ(got.size(), 1u);
    return got.empty() ? HttpResponse{} : got.front();
  }

  static HttpRequest http(std::string method, std::string target, std::string body = {},
                          std::string ip = "203.0.113.5", std::string ua = "TestBrowser/1") {
    return http_request(std::move(method), std::move(target), std::move(body), std::move(ip),
                        std::move(ua));
  }

  HttpResponse login_request(const std::string& user, const std::string& pw,
                             const std::string& ip = "203.0.113.5",
                             const std::string& ua = "TestBrowser/1") {
    return call(http("POST", "/api/v1/login",
                     boost::json::serialize(boost::json::object{{"user", user}, {"password", pw}}),
                     ip, ua));
  }

  Login login(const std::string& user = "alice", const std::string& pw = "alice-pw",
              const std::string& ip = "203.0.113.5", const std::string& ua = "TestBrowser/1") {
    const HttpResponse r = login_request(user, pw, ip, ua);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    const auto v = parse_json(r.body);
    Login l;
    l.id = std::string(v.at("session_id").as_string());
    l.key_b64 = std::string(v.at("session_key").as_string());
    l.key = crypto::base64url_decode(l.key_b64).value_or("");
    l.ip = ip;
    l.ua = ua;
    return l;
  }

  std::string next_nonce() {
    return crypto::base64url_encode(crypto::random_bytes(16));
  }

  // A request signed as api.md says, from the login's address and browser.
  HttpRequest signed_request(const Login& l, std::string method, std::string target,
                             std::string body = {}, std::int64_t ts_offset_ms = 0,
                             std::string nonce = {}) {
    if (nonce.empty()) nonce = next_nonce();
    const std::string ts = std::to_string(wall_ + ts_offset_ms);
    HttpRequest r = http(method, target, body, l.ip, l.ua);
    const std::string sig =
        sign_canonical(l.key, http_canonical_string(method, target, ts, nonce, body));
    r.headers.emplace_back("x-parley-session", l.id);
    r.headers.emplace_back("x-parley-timestamp", ts);
    r.headers.emplace_back("x-parley-nonce", nonce);
    r.headers.emplace_back("x-parley-signature", sig);
    return r;
  }

  HttpRequest upgrade_request(const Login& l, std::int64_t ts_offset_ms = 0,
                              std::string nonce = {}) {
    if (nonce.empty()) nonce = next_nonce();
    const std::string ts = std::to_string(wall_ + ts_offset_ms);
    const std::string sig =
        sign_canonical(l.key, http_canonical_string("GET", "/api/v1/ws", ts, nonce, ""));
    return http("GET", "/api/v1/ws?session=" + l.id + "&ts=" + ts + "&nonce=" + nonce +
                           "&sig=" + sig,
                {}, l.ip, l.ua);
  }

  // Upgrades and opens a WebSocket; returns its id (hello is its first frame).
  WsId open_ws(const Login& l) {
    const WsId id{next_ws_++};
    const auto refused = api_->on_upgrade(upgrade_request(l), id);
    EXPECT_FALSE(refused.has_value()) << (refused ? refused->body : "");
    api_->on_ws_open(id);
    return id;
  }

  std::string frame(const Login& l, std::uint64_t seq, const std::string& json) {
    const std::string s = std::to_string(seq);
    return s + " " + sign_canonical(l.key, ws_canonical_string(l.id, s, json)) + " " + json;
  }

  std::vector<std::string>& frames(WsId id) { return sender_.frames[id.value()]; }

  TimePoint now_ = TimePoint{} + std::chrono::hours(1000);
  std::int64_t wall_ = kWall0;
  std::uint64_t next_ws_ = 1;
  FakeDelegate delegate_;
  FakeSender sender_;
  std::unique_ptr<Api> api_;
};

}  // namespace parley::web::test
