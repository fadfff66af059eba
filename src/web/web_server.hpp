// The HTTP/1.1 and WebSocket server (Boost.Beast) on the core io_context:
// plain and TLS listeners, limits on headers, bodies, connections and frames,
// the browser app's static files, the Origin check of WebSocket upgrades,
// and everything under /api/ handed to a WebHandler. Owned by the
// composition root. Thread: core.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "web/web_handler.hpp"

namespace boost::asio {
class io_context;
}

namespace parley::web {

struct WebListen {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = any free port (tests): see WebServer::endpoints()
  bool tls = false;
};

struct WebServerConfig {
  std::vector<WebListen> listen;
  std::string tls_certificate;  // PEM files; empty with a TLS listener = self-signed dev certificate
  std::string tls_private_key;
  std::string app_dir;          // built browser app (index.html, assets/); empty = no static files
  std::vector<std::string> allowed_origins;  // besides the server's own origin
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_connections = 20000;  // HTTP and WebSocket together; beyond: 503 / refused
  std::size_t max_frame_bytes = 64 * 1024;
  std::size_t max_send_queue_bytes = 1024 * 1024;  // per WebSocket
  std::chrono::seconds request_timeout{30};  // slowloris: a whole request within this
  std::chrono::seconds http_idle_timeout{60};
  std::chrono::seconds ws_ping_interval{30};  // server pings; no pong in another interval = dead
};

struct WebServerStats {
  std::uint64_t connections = 0;       // currently open (HTTP + WS)
  std::uint64_t websockets = 0;        // currently open
  std::uint64_t requests = 0;
  std::uint64_t refused_connections = 0;
  std::uint64_t bad_requests = 0;      // 400/413/431 answered
};

class WebServer final : public WsSender {
 public:
  WebServer(boost::asio::io_context& core, WebServerConfig config, WebHandler& handler);
  ~WebServer() override;
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds every listener. An error names the listener that failed.
  Status<std::string> start();
  // Stops accepting, closes WebSockets with 1001 and HTTP connections.
  void stop();
  // Bound listeners as "http://127.0.0.1:8080" / "https://…" (actual ports).
  std::vector<std::string> endpoints() const;

  bool send(WsId id, std::string text) override;
  void close(WsId id, std::uint16_t code, std::string reason) override;

  WebServerStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace parley::web
