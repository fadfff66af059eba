// WebServer over real loopback sockets: API requests to the handler, limits
// and timeouts, static files, TLS, stop().
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "web/static_files.hpp"
#include "web_server_test_support.hpp"

namespace parley::web::test {
namespace {

using Response = http::response<http::string_body>;

void expect_security_headers(const Response& r) {
  EXPECT_EQ(r["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(r["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(r["X-Frame-Options"], "DENY");
  EXPECT_NE(r["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);
  EXPECT_NE(r["Content-Security-Policy"].find("connect-src 'self' ws: wss:"), std::string::npos);
}

void expect_error(const Response& r, unsigned status, const std::string& code) {
  EXPECT_EQ(r.result_int(), status);
  EXPECT_EQ(r[http::field::content_type], "application/json");
  EXPECT_NE(r.body().find("\"code\":\"" + code + "\""), std::string::npos) << r.body();
  expect_security_headers(r);
}

using WebServerHttp = WebServerFixture;

TEST_F(WebServerHttp, ApiRequestReachesHandlerAndAsyncAnswerComesBack) {
  start(base_config());
  handler_.answer_now = false;
  auto s = connect();
  const std::string body = R"({"user":"alice","password":"pw"})";
  const std::string raw = "POST /api/v1/login?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "User-Agent: TestAgent/1\r\nX-Parley-Nonce: abc\r\n"
                          "Content-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
  asio::write(s, asio::buffer(raw));
  ASSERT_TRUE(run_until([&] { return handler_.pending.size() == 1; }));
  const HttpRequest& req = handler_.requests.at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/v1/login?x=1");
  EXPECT_EQ(req.path(), "/api/v1/login");
  EXPECT_EQ(req.header("user-agent"), "TestAgent/1");
  EXPECT_EQ(req.header("x-parley-nonce"), "abc");
  EXPECT_EQ(req.body, body);
  EXPECT_EQ(req.client_ip, "127.0.0.1");
  EXPECT_FALSE(req.tls);

  // The answer comes later (as a login after Argon2id would).
  run_until([] { return false; }, std::chrono::milliseconds(50));
  HttpResponse answer;
  answer.status = 429;
  answer.body = R"({"error":{"code":"rate_limited","message":"later"}})";
  answer.headers.emplace_back("Retry-After", "60");
  handler_.pending.at(0)(answer);
  auto r = read_response(s);
  ASSERT_TRUE(r);
  expect_error(*r, 429, "rate_limited");
  EXPECT_EQ((*r)["Retry-After"], "60");

  // Keep-alive: a second request on the same connection.
  handler_.answer_now = true;
  r = exchange(s, get("/api/v1/version"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200u);
  EXPECT_EQ(r->body(), R"({"echo":"/api/v1/version"})");
  EXPECT_EQ(server_->stats().requests, 2u);
}

TEST_F(WebServerHttp, RespondAfterClientLeftIsHarmless) {
  start(base_config());
  handler_.answer_now = false;
  {
    auto s = connect();
    asio::write(s, asio::buffer(get("/api/v1/session")));
    ASSERT_TRUE(run_until([&] { return handler_.pending.size() == 1; }));
  }  // client gone
  run_until([] { return false; }, std::chrono::milliseconds(50));
  handler_.pending.at(0)(HttpResponse{});
  handler_.pending.at(0)(HttpResponse{});  // a second call is ignored too
  ASSERT_TRUE(run_until([&] { return server_->stats().connections == 0; }));
  // And after the server itself is gone.
  auto s = connect();
  asio::write(s, asio::buffer(get("/api/v1/session")));
  ASSERT_TRUE(run_until([&] { return handler_.pending.size() == 2; }));
  server_.reset();
  handler_.pending.at(1)(HttpResponse{});
  run_until([] { return false; }, std::chrono::milliseconds(50));
}

TEST_F(WebServerHttp, HeaderTooLargeIsRefusedWithJson) {
  auto c = base_config();
  c.max_header_bytes = 2048;
  start(c);
  auto s = connect();
  auto r = exchange(s, get("/api/v1/version", "X-Big: " + std::string(4096, 'a') + "\r\n"));
  ASSERT_TRUE(r);
  expect_error(*r, 431, "too_large");
  EXPECT_TRUE(handler_.requests.empty());
  EXPECT_TRUE(read_until_closed(s));
  EXPECT_EQ(server_->stats().bad_requests, 1u);
}

TEST_F(WebServerHttp, BodyTooLargeIs413) {
  auto c = base_config();
  c.max_body_bytes = 1024;
  start(c);
  auto s = connect();
  auto r = exchange(s, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" +
                           std::string(5000, 'b'));
  ASSERT_TRUE(r);
  expect_error(*r, 413, "too_large");
  EXPECT_TRUE(handler_.requests.empty());
}

TEST_F(WebServerHttp, MalformedRequestIs400) {
  start(base_config());
  auto s = connect();
  auto r = exchange(s, "GET / HTTP/1.1\r\nHost x no colon\r\n\r\n");
  ASSERT_TRUE(r);
  expect_error(*r, 400, "bad_request");
}

TEST_F(WebServerHttp, SlowRequestIsClosedAfterRequestTimeout) {
  auto c = base_config();
  c.request_timeout = std::chrono::seconds(1);
  start(c);
  auto s = connect();
  const auto t0 = std::chrono::steady_clock::now();
  asio::write(s, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")));
  EXPECT_TRUE(read_until_closed(s, nullptr, std::chrono::seconds(4)));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900));
  ASSERT_TRUE(run_until([&] { return server_->stats().connections == 0; }));
}

TEST_F(WebServerHttp, IdleKeepAliveConnectionIsClosed) {
  auto c = base_config();
  c.http_idle_timeout = std::chrono::seconds(1);
  start(c);
  auto s = connect();
  ASSERT_TRUE(exchange(s, get("/api/v1/version")));
  EXPECT_TRUE(read_until_closed(s, nullptr, std::chrono::seconds(4)));
}

TEST_F(WebServerHttp, ConnectionsBeyondTheLimitGet503) {
  auto c = base_config();
  c.max_connections = 2;
  start(c);
  auto a = connect();
  auto b = connect();
  ASSERT_TRUE(run_until([&] { return server_->stats().connections == 2; }));
  auto third = connect();
  auto r = exchange(third, get("/api/v1/version"));
  ASSERT_TRUE(r);
  expect_error(*r, 503, "unavailable");
  EXPECT_TRUE(read_until_closed(third));
  EXPECT_EQ(server_->stats().refused_connections, 1u);
  // The admitted ones still work.
  auto ok = exchange(a, get("/api/v1/version"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result_int(), 200u);
}

class WebServerStatic : public WebServerFixture {
 protected:
  void SetUp() override {
    dir_.write("secret.txt", "TOP-SECRET");
    dir_.write("app/index.html", "<!doctype html><title>app</title>");
    dir_.write("app/assets/index-abc123.js", "console.log(1)");
    dir_.write("app/assets/style-1.css", "body{}");
    dir_.write("app/logo.svg", "<svg/>");
    dir_.write("app/fonts/x.woff2", "w");
    auto c = base_config();
    c.app_dir = (dir_.path() / "app").string();
    start(c);
  }
  Response fetch(const std::string& raw) {
    auto s = connect();
    auto r = exchange(s, raw);
    EXPECT_TRUE(r) << raw;
    return r ? *r : Response{};
  }
  TempDir dir_;
};

TEST_F(WebServerStatic, IndexAndAssetsWithTypesAndCaching) {
  auto r = fetch(get("/"));
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r.body(), "<!doctype html><title>app</title>");
  EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(r[http::field::cache_control], "no-cache");
  expect_security_headers(r);

  r = fetch(get("/assets/index-abc123.js"));
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r.body(), "console.log(1)");
  EXPECT_EQ(r[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_NE(r[http::field::cache_control].find("max-age=31536000"), std::string::npos);

  EXPECT_EQ(fetch(get("/assets/style-1.css"))[http::field::content_type],
            "text/css; charset=utf-8");
  EXPECT_EQ(fetch(get("/logo.svg"))[http::field::content_type], "image/svg+xml");
  EXPECT_EQ(fetch(get("/fonts/x.woff2"))[http::field::content_type], "font/woff2");

  r = fetch("HEAD /assets/index-abc123.js HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r[http::field::content_length], "14");
}

TEST_F(WebServerStatic, ClientRoutesFallBackToIndexAndMissingFilesAre404) {
  auto r = fetch(get("/rooms/general?tab=2"));
  EXPECT_EQ(r.result_int(), 200u);
  EXPECT_EQ(r.body(), "<!doctype html><title>app</title>");
  expect_error(fetch(get("/missing.png")), 404, "not_found");
  expect_error(fetch(get("/assets/gone-1.js")), 404, "not_found");
}

TEST_F(WebServerStatic, TraversalIsRefused) {
  for (const std::string target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/assets/../../secret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%2Fsecret.txt",
        "/..\\secret.txt", "/..%5csecret.txt", "/secret.txt%00.html", "/%2e%2e%2fsecret.txt",
        "/assets/..%2f..%2fsecret.txt"}) {
    const auto r = fetch(get(target));
    EXPECT_NE(r.result_int(), 200u) << target;
    EXPECT_EQ(r.body().find("TOP-SECRET"), std::string::npos) << target;
    EXPECT_EQ(r[http::field::content_type], "application/json") << target;
  }
}

TEST_F(WebServerStatic, SymlinkOutOfTheAppIsNotFollowed) {
  std::error_code ec;
  std::filesystem::create_symlink(dir_.path() / "secret.txt", dir_.path() / "app" / "leak.txt",
                                  ec);
  ASSERT_FALSE(ec);
  const auto r = fetch(get("/leak.txt"));
  EXPECT_EQ(r.result_int(), 404u);
  EXPECT_EQ(r.body().find("TOP-SECRET"), std::string::npos);
}

TEST_F(WebServerStatic, OnlyGetAndHead) {
  const auto r = fetch("POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  expect_error(r, 405, "method_not_allowed");
  EXPECT_EQ(r[http::field::allow], "GET, HEAD");
}

TEST_F(WebServerHttp, WithoutABuiltAppTheRootExplains) {
  start(base_config());
  auto s = connect();
  auto r = exchange(s, get("/"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200u);
  EXPECT_EQ((*r)[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_NE(r->body().find("not built"), std::string::npos);
  EXPECT_NE(r->body().find("make build"), std::string::npos);
}

TEST(WebServerStaticPath, DecodesAndRefusesEscapes) {
  EXPECT_EQ(StaticFiles::safe_relative_path("/a%20b.txt?x=1"), "/a b.txt");
  EXPECT_FALSE(StaticFiles::safe_relative_path("/a/%2e%2E/b"));
  EXPECT_FALSE(StaticFiles::safe_relative_path("/./a"));
  EXPECT_FALSE(StaticFiles::safe_relative_path("/a%2"));
  EXPECT_FALSE(StaticFiles::safe_relative_path("/a%zz"));
  EXPECT_FALSE(StaticFiles::safe_relative_path("a.txt"));
  EXPECT_EQ(StaticFiles::mime_type("/x/APP.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(StaticFiles::mime_type("/x/a.wasm"), "application/wasm");
  EXPECT_EQ(StaticFiles::mime_type("/x/a.unknown"), "application/octet-stream");
}

TEST_F(WebServerHttp, TlsListenerWithSelfSignedCertificateServes) {
  auto c = base_config();
  c.listen.at(0).tls = true;
  start(c);
  EXPECT_EQ(server_->endpoints().at(0).rfind("https://127.0.0.1:", 0), 0u);
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  asio::ssl::stream<tcp::socket> s(connect(), ctx);
  bool done = false;
  error_code hs;
  s.async_handshake(asio::ssl::stream_base::client, [&](error_code ec) {
    hs = ec;
    done = true;
  });
  ASSERT_TRUE(run_until([&] { return done; }));
  ASSERT_FALSE(hs) << hs.message();
  std::optional<Response> r;
  bool wrote = false;
  const std::string raw = get("/api/v1/version");
  asio::async_write(s, asio::buffer(raw), [&](error_code, std::size_t) { wrote = true; });
  ASSERT_TRUE(run_until([&] { return wrote; }));
  r = read_response(s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200u);
  ASSERT_EQ(handler_.requests.size(), 1u);
  EXPECT_TRUE(handler_.requests[0].tls);
}

TEST_F(WebServerHttp, StopClosesConnectionsAndRunReturns) {
  start(base_config());
  auto s = connect();
  ASSERT_TRUE(exchange(s, get("/api/v1/version")));
  handler_.answer_now = false;
  auto waiting = connect();
  asio::write(waiting, asio::buffer(get("/api/v1/session")));
  ASSERT_TRUE(run_until([&] { return handler_.pending.size() == 1; }));
  server_->stop();
  server_->stop();  // twice is fine
  // Nothing is left on the io_context once the connections are closed.
  const auto t0 = std::chrono::steady_clock::now();
  io_.restart();
  io_.run_for(std::chrono::seconds(10));
  EXPECT_TRUE(io_.stopped());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_EQ(server_->stats().connections, 0u);
  handler_.pending.at(0)(HttpResponse{});  // late answer: dropped
  std::string rest;
  EXPECT_TRUE(read_until_closed(s, &rest));
  EXPECT_TRUE(rest.empty());
}

}  // namespace
}  // namespace parley::web::test
