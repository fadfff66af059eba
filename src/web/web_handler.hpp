// The application behind the web server: what it does with API requests and
// WebSocket frames. The server (web_server.hpp) does sockets, TLS, limits,
// static files and the Origin check; the handler (web::Api) does sessions,
// signatures and the API. Thread: core.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "web/http_types.hpp"

namespace parley::web {

class WebHandler {
 public:
  virtual ~WebHandler() = default;
  // A request under /api/ that is not a WebSocket upgrade. `respond` must be
  // called exactly once, now or later (a login answers after Argon2id); it is
  // safe to call after the connection closed (the answer is then dropped).
  virtual void on_request(HttpRequest request, std::function<void(HttpResponse)> respond) = 0;
  // A WebSocket upgrade of /api/v1/ws whose Origin already passed. nullopt
  // accepts it as connection `id` (on_ws_open follows once the handshake is
  // done); a response refuses it with that HTTP answer.
  virtual std::optional<HttpResponse> on_upgrade(const HttpRequest& request, WsId id) = 0;
  virtual void on_ws_open(WsId id) = 0;
  // One complete text message (binary messages are refused by the server).
  virtual void on_ws_text(WsId id, std::string text) = 0;
  // The connection is gone (either side closed, error, limit). Last call for `id`.
  virtual void on_ws_closed(WsId id) = 0;
};

// What the handler may ask of the server. Implemented by WebServer.
class WsSender {
 public:
  virtual ~WsSender() = default;
  // Queues a text frame. False if `id` is not open or its send queue is over
  // its limit (the server then closes it: a slow reader must not grow memory).
  virtual bool send(WsId id, std::string text) = 0;
  // Sends a close frame with `code` and `reason`, then on_ws_closed follows.
  virtual void close(WsId id, std::uint16_t code, std::string reason) = 0;
};

}  // namespace parley::web
