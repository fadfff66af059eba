// Test support for the WebServer tests: a fake WebHandler that records what
// the server hands it, a fixture running server and clients on one
// io_context in the test thread (no sleeps: run until an event or a
// deadline), and small Beast clients. Thread: the test's.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "web/web_server.hpp"

namespace parley::web::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;

class FakeHandler final : public WebHandler {
 public:
  void on_request(HttpRequest request, std::function<void(HttpResponse)> respond) override {
    requests.push_back(std::move(request));
    if (answer_now) {
      HttpResponse r;
      r.body = "{\"echo\":\"" + requests.back().target + "\"}";
      respond(std::move(r));
    } else {
      pending.push_back(std::move(respond));
    }
  }
  std::optional<HttpResponse> on_upgrade(const HttpRequest& request, WsId id) override {
    upgrades.push_back(request);
    upgrade_ids.push_back(id);
    return refuse_upgrade;
  }
  void on_ws_open(WsId id) override { opened.push_back(id); }
  void on_ws_text(WsId id, std::string text) override { texts.emplace_back(id, std::move(text)); }
  void on_ws_closed(WsId id) override { ++closed[id]; }

  bool answer_now = true;
  std::optional<HttpResponse> refuse_upgrade;
  std::vector<HttpRequest> requests;
  std::vector<std::function<void(HttpResponse)>> pending;
  std::vector<HttpRequest> upgrades;
  std::vector<WsId> upgrade_ids;
  std::vector<WsId> opened;
  std::vector<std::pair<WsId, std::string>> texts;
  std::map<WsId, int> closed;
};

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("parley-web-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& rel, const std::string& content) const {
    const auto p = path_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }

 private:
  std::filesystem::path path_;
};

class WebServerFixture : public ::testing::Test {
 protected:
  WebServerConfig base_config() const {
    WebServerConfig c;
    c.listen.push_back(WebListen{"127.0.0.1", 0, false});
    return c;
  }

  void start(WebServerConfig c) {
    server_ = std::make_unique<WebServer>(io_, std::move(c), handler_);
    auto st = server_->start();
    ASSERT_TRUE(st.ok()) << st.error();
    const auto url = server_->endpoints().at(0);
    port_ = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  }

  // Runs the shared io_context until `done` holds or the deadline passes.
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (io_.stopped()) io_.restart();
      io_.run_one_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  tcp::socket connect() {
    tcp::socket s(io_);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    return s;
  }

  // Writes `raw` and reads one HTTP response.
  template <class Stream>
  std::optional<http::response<http::string_body>> exchange(Stream& s, const std::string& raw) {
    error_code wec;
    asio::write(s, asio::buffer(raw), wec);
    return read_response(s, raw.rfind("HEAD ", 0) == 0);
  }

  template <class Stream>
  std::optional<http::response<http::string_body>> read_response(Stream& s, bool head = false) {
    auto parser = std::make_shared<http::response_parser<http::string_body>>();
    parser->body_limit(64 * 1024 * 1024);
    parser->skip(head);  // a HEAD answer has Content-Length but no body
    auto buf = std::make_shared<beast::flat_buffer>();
    bool done = false;
    error_code result;
    http::async_read(s, *buf, *parser, [&, parser, buf](error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    if (!run_until([&] { return done; })) {
      s.lowest_layer().cancel();
      run_until([&] { return done; });
      return std::nullopt;
    }
    if (result) return std::nullopt;
    return parser->release();
  }

  // Reads until the server closes; false if it did not within `limit`.
  bool read_until_closed(tcp::socket& s, std::string* data = nullptr,
                         std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    auto buf = std::make_shared<std::string>();
    bool done = false;
    asio::async_read(s, asio::dynamic_buffer(*buf), [&, buf](error_code, std::size_t) {
      done = true;
    });
    const bool ok = run_until([&] { return done; }, limit);
    if (!ok) {
      s.cancel();
      run_until([&] { return done; });
    }
    if (data != nullptr) *data = *buf;
    return ok;
  }

  static std::string get(const std::string& target, const std::string& extra = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
  }

  asio::io_context io_;
  FakeHandler handler_;
  std::unique_ptr<WebServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace parley::web::test
