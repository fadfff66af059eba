// The web half of the gateway, wired together on the core thread: the HTTP
// and WebSocket server, the browser API with its signed sessions, and the web
// user agent that makes each browser session an endpoint of its user. It
// answers the API's questions from the SIP service (who exists), the store
// thread (passwords), the presence service (status) and the chat service
// (rooms, history), and pushes presence changes to every browser. Owned by serve(). Thread: core (constructed on main
// before the core loop runs).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "gateway/chat_service.hpp"
#include "gateway/presence_service.hpp"
#include "gateway/sip_service.hpp"
#include "gateway/store_worker.hpp"
#include "web/api.hpp"
#include "web/web_server.hpp"

namespace boost::asio {
class io_context;
}

namespace parley::gateway {

struct WebServiceConfig {
  web::WebServerConfig server;
  web::ApiConfig api;
};

class WebService {
 public:
  // Attaches itself to `sip` (call before sip.start()).
  // Attaches itself to `chat` as its way to browsers.
  WebService(boost::asio::io_context& core, WebServiceConfig config, SipService& sip,
             StoreWorker& store, PresenceService& presence, ChatService& chat);
  ~WebService();
  WebService(const WebService&) = delete;
  WebService& operator=(const WebService&) = delete;

  Status<std::string> start();
  // Ends every session and closes every socket and listener. Core thread.
  void stop();
  // "http://127.0.0.1:8080", ... for the ready log.
  std::vector<std::string> endpoints() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::gateway
