// What web::Api writes to its log: the events api.md asks for, and never a
// password, a session key, a signature or a whole session id.
#include "api_test_support.hpp"

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "base/log.hpp"

namespace parley::web::test {
namespace {

using namespace std::chrono_literals;

class ApiLoggingTest : public ApiFixture {
 protected:
  void SetUp() override {
    logger_ = log::get("web.api");
    sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    logger_->sinks().push_back(sink_);
  }
  void TearDown() override { std::erase(logger_->sinks(), sink_); }

  std::string logged() {
    logger_->flush();
    return out_.str();
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_;
  std::shared_ptr<spdlog::sinks::sink> sink_;
};

TEST_F(ApiLoggingTest, EventsWithoutSecrets) {
  EXPECT_EQ(login_request("alice", "wrong-secret-pw").status, 401);
  const Login l = login();
  HttpRequest tampered = signed_request(l, "GET", "/api/v1/users");
  const std::string sig(tampered.header("x-parley-signature"));
  tampered.target = "/api/v1/session";
  EXPECT_EQ(call(tampered).status, 401);
  const WsId ws = open_ws(l);
  api_->on_ws_text(ws, frame(l, 1, R"({"type":"ping"})") + "x");
  EXPECT_EQ(call(signed_request(l, "POST", "/api/v1/logout", "{}")).status, 200);

  const std::string text = logged();
  EXPECT_NE(text.find("event=login-failed user=alice addr=203.0.113.5"), std::string::npos) << text;
  EXPECT_NE(text.find("event=login-ok user=alice addr=203.0.113.5"), std::string::npos) << text;
  EXPECT_NE(text.find("event=refused code=bad_signature session=" + l.id.substr(0, 6)),
            std::string::npos) << text;
  EXPECT_NE(text.find("reason=logged_out"), std::string::npos) << text;
  EXPECT_EQ(text.find("wrong-secret-pw"), std::string::npos);
  EXPECT_EQ(text.find("alice-pw"), std::string::npos);
  EXPECT_EQ(text.find(l.key_b64), std::string::npos);
  EXPECT_EQ(text.find(sig), std::string::npos);
  EXPECT_EQ(text.find(l.id), std::string::npos);  // only a prefix
}

TEST_F(ApiLoggingTest, AFloodOfRefusalsIsCountedNotLoggedLineByLine) {
  const Login l = login();
  for (int i = 0; i < 200; ++i) {
    HttpRequest tampered = signed_request(l, "GET", "/api/v1/users");
    tampered.target = "/api/v1/session";
    EXPECT_EQ(call(tampered).status, 401);
  }
  std::string text = logged();
  std::size_t lines = 0;
  for (std::size_t p = text.find("event=refused"); p != std::string::npos;
       p = text.find("event=refused", p + 1)) {
    ++lines;
  }
  EXPECT_LE(lines, 20u) << "one second's budget";
  EXPECT_EQ(api_->stats().refused_requests, 200u) << "every refusal is still counted";
  // The next second's first line says how many were left out.
  advance(1100ms);
  HttpRequest tampered = signed_request(l, "GET", "/api/v1/users");
  tampered.target = "/api/v1/session";
  EXPECT_EQ(call(tampered).status, 401);
  EXPECT_NE(logged().find("suppressed_before=180"), std::string::npos) << logged();
}

TEST_F(ApiLoggingTest, UntrustedValuesCannotForgeFields) {
  EXPECT_EQ(login_request("eve\nevent=login-ok user=root", "x").status, 401);
  const std::string text = logged();
  EXPECT_EQ(text.find("\nevent=login-ok"), std::string::npos) << text;
  EXPECT_EQ(text.find("event=login-ok"), std::string::npos) << text;
}

}  // namespace
}  // namespace parley::web::test
