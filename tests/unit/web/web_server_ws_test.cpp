// WebServer WebSockets over real loopback sockets: the Origin check, the
// handler's accept/refuse, text in and out, limits, close codes, stop(), and
// the server's heap per idle WebSocket.
#include <malloc.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "web_server_test_support.hpp"

namespace parley::web::test {
namespace {

namespace websocket = beast::websocket;
using WsClient = websocket::stream<tcp::socket>;

class WebServerWs : public WebServerFixture {
 protected:
  std::string own_origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Handshake with `origin`; the upgrade response lands in `res`.
  std::unique_ptr<WsClient> open(const std::string& origin, websocket::response_type* res,
                                 error_code* result,
                                 const std::string& target = "/api/v1/ws?session=s&ts=1&nonce=n&sig=x") {
    auto ws = std::make_unique<WsClient>(connect());
    ws->set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
      if (!origin.empty()) req.set(http::field::origin, origin);
    }));
    bool done = false;
    ws->async_handshake(*res, "127.0.0.1:" + std::to_string(port_), target, [&](error_code ec) {
                          *result = ec;
                          done = true;
                        });
    EXPECT_TRUE(run_until([&] { return done; }));
    return ws;
  }

  std::unique_ptr<WsClient> open_ok() {
    websocket::response_type res;
    error_code ec;
    auto ws = open(own_origin(), &res, &ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(run_until([&] { return handler_.opened.size() == handler_.upgrade_ids.size(); }));
    return ws;
  }

  // Reads one message; nullopt when the read failed (closed: see ws.reason()).
  std::optional<std::string> read(WsClient& ws) {
    beast::flat_buffer buf;
    bool done = false;
    error_code result;
    ws.async_read(buf, [&](error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    if (!run_until([&] { return done; })) {
      beast::get_lowest_layer(ws).cancel();
      run_until([&] { return done; });
      return std::nullopt;
    }
    if (result) return std::nullopt;
    return beast::buffers_to_string(buf.data());
  }

  void write(WsClient& ws, const std::string& text, bool binary = false) {
    bool done = false;
    ws.binary(binary);
    ws.async_write(asio::buffer(text), [&](error_code, std::size_t) { done = true; });
    EXPECT_TRUE(run_until([&] { return done; }));
  }

  WsId last_id() const { return handler_.upgrade_ids.back(); }

  // The upgrade as a raw client sends it (which then never reads).
  std::string upgrade_request() const {
    return "GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
           "\r\nOrigin: " + own_origin() +
           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  }
};

TEST_F(WebServerWs, OwnOriginIsAcceptedAndTextFlowsBothWays) {
  start(base_config());
  auto ws = open_ok();
  ASSERT_EQ(handler_.upgrades.size(), 1u);
  EXPECT_EQ(handler_.upgrades[0].target, "/api/v1/ws?session=s&ts=1&nonce=n&sig=x");
  EXPECT_EQ(handler_.upgrades[0].header("origin"), own_origin());
  EXPECT_EQ(handler_.upgrades[0].client_ip, "127.0.0.1");
  ASSERT_EQ(handler_.opened.size(), 1u);
  const WsId id = handler_.opened[0];
  EXPECT_EQ(id, last_id());
  EXPECT_EQ(server_->stats().websockets, 1u);

  write(*ws, R"(1 sig {"type":"ping"})");
  ASSERT_TRUE(run_until([&] { return handler_.texts.size() == 1; }));
  EXPECT_EQ(handler_.texts[0].first, id);
  EXPECT_EQ(handler_.texts[0].second, R"(1 sig {"type":"ping"})");
  EXPECT_TRUE(server_->send(id, R"({"type":"pong"})"));
  EXPECT_TRUE(server_->send(id, R"({"type":"presence"})"));
  EXPECT_EQ(read(*ws), R"({"type":"pong"})");
  EXPECT_EQ(read(*ws), R"({"type":"presence"})");
  EXPECT_FALSE(server_->send(WsId(999), "x"));
}

TEST_F(WebServerWs, ManyQueuedMessagesArriveInOrder) {
  start(base_config());
  auto ws = open_ok();
  const WsId id = last_id();
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(server_->send(id, "m" + std::to_string(i)));
  for (int i = 0; i < 200; ++i) ASSERT_EQ(read(*ws), "m" + std::to_string(i));
  EXPECT_TRUE(server_->send(id, "after"));
  EXPECT_EQ(read(*ws), "after");
}

TEST_F(WebServerWs, BatchingSocketGetsQueuedFramesOnePerLineInOrder) {
  start(base_config());
  websocket::response_type res;
  error_code ec;
  auto ws = open(own_origin(), &res, &ec, "/api/v1/ws?session=s&ts=1&nonce=n&sig=x&batch=1");
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(run_until([&] { return handler_.opened.size() == 1; }));
  const WsId id = last_id();
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(server_->send(id, "m" + std::to_string(i)));
  std::vector<std::string> frames;
  int messages = 0;
  while (frames.size() < 200) {
    auto m = read(*ws);
    ASSERT_TRUE(m.has_value());
    ++messages;
    std::size_t start = 0;
    for (;;) {
      auto nl = m->find('\n', start);
      frames.push_back(m->substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  ASSERT_EQ(frames.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(frames[i], "m" + std::to_string(i));
  // The first went alone (nothing was queued behind it); the rest in batches.
  EXPECT_LT(messages, 200);
  // The queue's byte count came back to zero: a full queue's worth still fits.
  EXPECT_TRUE(server_->send(id, std::string(1000, 'x')));
  EXPECT_EQ(read(*ws), std::string(1000, 'x'));
}

TEST_F(WebServerWs, ConfiguredOriginIsAccepted) {
  auto c = base_config();
  c.allowed_origins.push_back("https://app.example.org");
  start(c);
  websocket::response_type res;
  error_code ec;
  auto ws = open("https://app.example.org", &res, &ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST_F(WebServerWs, ForeignOrMissingOriginIs403BadOrigin) {
  start(base_config());
  for (const std::string origin : {"http://evil.example", "", "https://127.0.0.1:1"}) {
    websocket::response_type res;
    error_code ec;
    auto ws = open(origin, &res, &ec);
    EXPECT_TRUE(ec);
    EXPECT_EQ(res.result_int(), 403u) << origin;
    EXPECT_NE(res.body().find("\"code\":\"bad_origin\""), std::string::npos) << res.body();
    EXPECT_EQ(res[http::field::content_type], "application/json");
  }
  EXPECT_TRUE(handler_.upgrades.empty());
}

TEST_F(WebServerWs, HandlerRefusalPassesThrough) {
  start(base_config());
  HttpResponse refusal;
  refusal.status = 401;
  refusal.body = R"({"error":{"code":"bad_signature","message":"no"}})";
  handler_.refuse_upgrade = refusal;
  websocket::response_type res;
  error_code ec;
  auto ws = open(own_origin(), &res, &ec);
  EXPECT_TRUE(ec);
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_EQ(res.body(), refusal.body);
  EXPECT_TRUE(handler_.opened.empty());
  run_until([] { return false; }, std::chrono::milliseconds(50));
  EXPECT_TRUE(handler_.closed.empty());
}

TEST_F(WebServerWs, FrameOverTheLimitCloses1009) {
  auto c = base_config();
  c.max_frame_bytes = 1024;
  start(c);
  auto ws = open_ok();
  write(*ws, std::string(1024, 'a'));
  ASSERT_TRUE(run_until([&] { return handler_.texts.size() == 1; }));
  write(*ws, std::string(2000, 'a'));
  EXPECT_FALSE(read(*ws));
  EXPECT_EQ(ws->reason().code, 1009);
  ASSERT_TRUE(run_until([&] { return handler_.closed[last_id()] == 1; }));
  EXPECT_EQ(handler_.texts.size(), 1u);
}

TEST_F(WebServerWs, BinaryFrameCloses1003) {
  start(base_config());
  auto ws = open_ok();
  write(*ws, "\x01\x02", true);
  EXPECT_FALSE(read(*ws));
  EXPECT_EQ(ws->reason().code, 1003);
  ASSERT_TRUE(run_until([&] { return handler_.closed[last_id()] == 1; }));
  EXPECT_TRUE(handler_.texts.empty());
}

TEST_F(WebServerWs, CloseSendsTheCodeAndReportsOnce) {
  start(base_config());
  auto ws = open_ok();
  const WsId id = last_id();
  server_->close(id, 4001, "logged_out");
  EXPECT_FALSE(server_->send(id, "late"));
  EXPECT_FALSE(read(*ws));
  EXPECT_EQ(ws->reason().code, 4001);
  EXPECT_EQ(ws->reason().reason, "logged_out");
  ASSERT_TRUE(run_until([&] { return handler_.closed[id] == 1; }));
  server_->close(id, 4001, "again");
  run_until([] { return false; }, std::chrono::milliseconds(50));
  EXPECT_EQ(handler_.closed[id], 1);
  EXPECT_EQ(server_->stats().websockets, 0u);
}

TEST_F(WebServerWs, PeerCloseReportsOnce) {
  start(base_config());
  auto ws = open_ok();
  const WsId id = last_id();
  bool done = false;
  ws->async_close(websocket::close_code::normal, [&](error_code) { done = true; });
  ASSERT_TRUE(run_until([&] { return done && handler_.closed[id] == 1; }));
  run_until([] { return false; }, std::chrono::milliseconds(50));
  EXPECT_EQ(handler_.closed[id], 1);
  EXPECT_EQ(server_->stats().connections, 0u);
}

TEST_F(WebServerWs, SendQueueLimitClosesTheSocket) {
  auto c = base_config();
  c.max_send_queue_bytes = 64 * 1024;
  start(c);
  auto ws = open_ok();
  const WsId id = last_id();
  // Nothing runs between the sends, so nothing is written: the queue grows.
  const std::string chunk(16 * 1024, 'x');
  int accepted = 0;
  while (accepted < 100 && server_->send(id, chunk)) ++accepted;
  EXPECT_EQ(accepted, 4);
  EXPECT_FALSE(server_->send(id, "x"));
  ASSERT_TRUE(run_until([&] { return handler_.closed[id] == 1; }));
}

TEST_F(WebServerWs, StopCloses1001AndRunReturns) {
  start(base_config());
  auto ws = open_ok();
  const WsId id = last_id();
  auto http_client = connect();
  ASSERT_TRUE(run_until([&] { return server_->stats().connections == 2; }));
  beast::flat_buffer buf;
  bool done = false;
  ws->async_read(buf, [&](error_code, std::size_t) { done = true; });
  server_->stop();
  const auto t0 = std::chrono::steady_clock::now();
  io_.restart();
  io_.run_for(std::chrono::seconds(10));
  EXPECT_TRUE(io_.stopped());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_TRUE(done);
  EXPECT_EQ(ws->reason().code, 1001);
  EXPECT_EQ(handler_.closed[id], 1);
  EXPECT_EQ(server_->stats().connections, 0u);
}

TEST_F(WebServerWs, FailedHandshakeAfterTheHandlerAcceptedStillReportsClosed) {
  start(base_config());
  // Passes the upgrade test and the Origin check, but has no key (RFC 6455
  // 4.2.1): the handler accepts, then the handshake fails.
  std::string bad = upgrade_request();
  bad.erase(bad.find("Sec-WebSocket-Key"), bad.find("Sec-WebSocket-Version") -
                                               bad.find("Sec-WebSocket-Key"));
  auto raw = connect();
  asio::write(raw, asio::buffer(bad));
  ASSERT_TRUE(run_until([&] { return handler_.upgrade_ids.size() == 1; }));
  const WsId id = last_id();
  ASSERT_TRUE(run_until([&] { return handler_.closed.count(id) == 1; }));
  EXPECT_TRUE(handler_.opened.empty());
  EXPECT_EQ(handler_.closed[id], 1);
  EXPECT_EQ(server_->stats().websockets, 0u);
}

TEST_F(WebServerWs, PeerThatDoesNotAnswerPingsIsClosed) {
  auto c = base_config();
  c.ws_ping_interval = std::chrono::seconds(1);
  start(c);
  // A reading Beast client answers pings inside its pending read.
  auto ws = open_ok();
  const WsId live = last_id();
  bool pinged = false;
  ws->control_callback([&](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::ping) pinged = true;
  });
  beast::flat_buffer buf;
  bool read_done = false;
  ws->async_read(buf, [&](error_code, std::size_t) { read_done = true; });
  // A raw client completes the upgrade, then never reads nor answers.
  auto raw = connect();
  asio::write(raw, asio::buffer(upgrade_request()));
  ASSERT_TRUE(run_until([&] { return handler_.opened.size() == 2; }));
  const WsId silent = handler_.opened.back();
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] { return handler_.closed.count(silent) == 1; },
                        std::chrono::seconds(5)));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1500));
  EXPECT_TRUE(pinged);
  EXPECT_FALSE(read_done);
  EXPECT_EQ(handler_.closed.count(live), 0u);
}

TEST_F(WebServerWs, ServerHeapPerIdleWebSocketIsSmall) {
  // Raw client sockets (no heap on the client side): write the upgrade and
  // leave the 101 unread, so only the server's memory grows.
  start(base_config());
  constexpr int kSockets = 200;
  std::vector<int> fds;
  std::vector<std::unique_ptr<WsClient>> warm;
  for (int i = 0; i < 4; ++i) warm.push_back(open_ok());  // lazily allocated server parts
  const auto before = mallinfo2().uordblks;
  const std::string upgrade = upgrade_request();
  const std::size_t opened_before = handler_.opened.size();
  for (int i = 0; i < kSockets; ++i) {
    auto s = connect();
    asio::write(s, asio::buffer(upgrade));
    fds.push_back(s.release());
  }
  ASSERT_TRUE(run_until([&] { return handler_.opened.size() == opened_before + kSockets; }));
  run_until([] { return false; }, std::chrono::milliseconds(100));
  const auto after = mallinfo2().uordblks;
  const double per_socket = static_cast<double>(after - before) / kSockets;
  std::printf("[ measure  ] server heap per idle WebSocket: %.0f bytes\n", per_socket);
  EXPECT_LT(per_socket, 20 * 1024);
  for (int fd : fds) ::close(fd);
  ASSERT_TRUE(run_until([&] { return server_->stats().websockets == warm.size(); }));
  EXPECT_EQ(handler_.closed.size(), static_cast<std::size_t>(kSockets));
}

}  // namespace
}  // namespace parley::web::test
